"""The stored facts. Rules that act on them live in the modules beside this.

Times are naive UTC. Money is integer cents. Names are stored as typed and
shown as plain text; `*_key` columns hold folded forms for search and match.
"""
from __future__ import annotations

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .db import BaseModel


class Practice(BaseModel):
    name = CharField()
    phone = CharField(default="")
    email = CharField(default="")           # the From: of every message
    portal_host = CharField(default="127.0.0.1")
    portal_port = IntegerField(default=2222)
    time_zone = CharField(default="America/New_York")


class StaffUser(BaseModel):
    username = CharField(unique=True)
    full_name = CharField()
    role = CharField()                        # admin, clinician, front_desk
    password_hash = CharField()
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()
    must_change_password = BooleanField(default=False)  # a temporary password an admin set
    last_login_at = DateTimeField(null=True)
    deactivated_at = DateTimeField(null=True)
    email = CharField(default="")             # optional: a risk alert on their charts comes here



class StaffTwoFactor(BaseModel):
    """A staff user's TOTP secret (encrypted: models/two_factor.py), once confirmed by a first code."""

    staff = ForeignKeyField(StaffUser, unique=True, on_delete="CASCADE")
    secret = TextField()                      # base64(nonce + AES-GCM ciphertext)
    created_at = DateTimeField()
    confirmed_at = DateTimeField(null=True)
    last_step = IntegerField(default=0)       # the newest 30 s step accepted: older ones are replays


class StaffRecoveryCode(BaseModel):
    staff = ForeignKeyField(StaffUser, backref="recovery_codes", on_delete="CASCADE")
    digest = CharField(unique=True)           # HMAC of the code (models/codes.py), never the code
    used_at = DateTimeField(null=True)

class Client(BaseModel):
    """A chart."""

    chart_number = CharField(unique=True)
    first_name = CharField()
    last_name = CharField()
    first_name_key = CharField()
    last_name_key = CharField()
    date_of_birth = DateField(index=True)
    email = CharField(default="")
    phone = CharField(default="")
    created_at = DateTimeField()
    clinician = ForeignKeyField(StaffUser, null=True, index=True, on_delete="SET NULL")  # models/roles.py

    class Meta:
        # Name order for paging; first-name lookups with the last name to sort by;
        # the same within a clinician's charts (their client list: models/roles.py).
        indexes = (
            (("last_name_key", "first_name_key", "id"), False),
            (("first_name_key", "last_name_key", "id"), False),
            (("clinician", "last_name_key", "first_name_key", "id"), False),
            (("clinician", "first_name_key", "last_name_key", "id"), False),
        )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RelatedContact(BaseModel):
    client = ForeignKeyField(Client, backref="contacts", on_delete="CASCADE")
    first_name = CharField()
    last_name = CharField()
    relationship = CharField()                # parent, guardian, case_worker, other
    email = CharField(default="")
    phone = CharField(default="")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PortalAccount(BaseModel):
    """One portal login; may own several charts through ChartAccess."""

    email = CharField(unique=True)            # lower-cased
    display_name = CharField()
    password_hash = CharField()
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    created_at = DateTimeField()
    password_changed_at = DateTimeField()


class ChartAccess(BaseModel):
    """One period of a chart's ownership (the Chart Owner box).

    The chart's current owner is its row with `ended_at IS NULL`; at most one
    exists. `account` is set once the owner registers or is granted access.
    """

    client = ForeignKeyField(Client, backref="accesses", on_delete="CASCADE")
    contact = ForeignKeyField(RelatedContact, null=True, on_delete="SET NULL")
    owner_name = CharField()
    relationship = CharField()                # "self" for the client
    email = CharField()
    account = ForeignKeyField(PortalAccount, null=True, backref="accesses")
    started_at = DateTimeField()
    started_by = ForeignKeyField(StaffUser, null=True)
    granted_at = DateTimeField(null=True)
    ended_at = DateTimeField(null=True, index=True)
    end_reason = CharField(default="")        # revoked, ownership_changed


class Invitation(BaseModel):
    access = ForeignKeyField(ChartAccess, backref="invitations", on_delete="CASCADE")
    client = ForeignKeyField(Client, backref="invitations", on_delete="CASCADE")
    email = CharField()
    code_digest = CharField(unique=True)
    sent_at = DateTimeField(index=True)
    sent_by = ForeignKeyField(StaffUser, null=True)
    expires_at = DateTimeField(index=True)
    consumed_at = DateTimeField(null=True)
    superseded_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
    failed_matches = IntegerField(default=0)
    locked_at = DateTimeField(null=True)


class PasswordReset(BaseModel):
    account = ForeignKeyField(PortalAccount, backref="resets", on_delete="CASCADE")
    code_digest = CharField(unique=True)
    created_at = DateTimeField()
    expires_at = DateTimeField()
    consumed_at = DateTimeField(null=True)
    failed_attempts = IntegerField(default=0)


class LoginSession(BaseModel):
    """A signed-in person; ending the row ends the session wherever it runs."""

    kind = CharField()                        # staff or client
    staff = ForeignKeyField(StaffUser, null=True, on_delete="CASCADE")
    account = ForeignKeyField(PortalAccount, null=True, on_delete="CASCADE")
    chart = ForeignKeyField(Client, null=True, on_delete="SET NULL")
    source = CharField(default="")
    created_at = DateTimeField()
    last_seen_at = DateTimeField()
    ended_at = DateTimeField(null=True, index=True)
    end_reason = CharField(default="")


class Document(BaseModel):
    client = ForeignKeyField(Client, backref="documents", on_delete="CASCADE")
    title = CharField()
    body = TextField()
    shared_at = DateTimeField()
    shared_by = ForeignKeyField(StaffUser, null=True)
    opened_at = DateTimeField(null=True)


class AppointmentRequest(BaseModel):
    client = ForeignKeyField(Client, backref="appointment_requests", on_delete="CASCADE")
    account = ForeignKeyField(PortalAccount, null=True)
    mode = CharField()                        # in_person, phone, video
    preferred_at = DateTimeField()
    reason = TextField(default="")
    status = CharField(default="pending")     # pending, approved, declined, cancelled
    practice_message = TextField(default="")
    created_at = DateTimeField()
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(StaffUser, null=True)


class LedgerEntry(BaseModel):
    client = ForeignKeyField(Client, backref="ledger", on_delete="CASCADE")
    kind = CharField()                        # charge or payment
    amount_cents = IntegerField()             # always positive; kind gives the sign
    description = CharField()
    posted_on = DateField()
    created_at = DateTimeField()
    created_by = ForeignKeyField(StaffUser, null=True)


class OutboxMessage(BaseModel):
    """An email waiting to leave, written in the same transaction as its cause.

    `context` is the JSON the template is rendered from; for messages that
    carry a code it is scrubbed once the message is delivered.
    """

    kind = CharField()                        # template name
    to_addr = CharField()
    to_name = CharField(default="")
    context = TextField()
    client = ForeignKeyField(Client, null=True, on_delete="SET NULL")
    invitation = ForeignKeyField(Invitation, null=True, backref="messages", on_delete="SET NULL")
    status = CharField(default="queued", index=True)  # queued, sending, retrying, sent, failed
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(index=True)
    last_error = TextField(default="")
    claimed_by = CharField(default="")
    claimed_at = DateTimeField(null=True)
    message_id = CharField(default="")
    created_at = DateTimeField()
    sent_at = DateTimeField(null=True)


class AuditEvent(BaseModel):
    """Append-only; each row's `hash` covers its fields and the previous hash."""

    id = AutoField()
    at = DateTimeField()
    actor = CharField()                       # staff:<username>, client:<account id>, system
    chart = IntegerField(null=True)           # a plain id: audit outlives charts
    action = CharField()
    source = CharField(default="")
    outcome = CharField(default="ok")
    detail = TextField(default="")
    prev_hash = CharField()
    hash = CharField()

    class Meta:
        # Each ends in the id, so one chart's, person's or action's events (or a
        # person's of one action) come newest first straight from the index
        # (models/audit_trail.py; migration 0011).
        indexes = (
            (("chart", "id"), False),
            (("actor", "id"), False),
            (("action", "id"), False),
            (("actor", "action", "id"), False),
            (("at", "id"), False),
        )


class FailedAttempt(BaseModel):
    """A refused code from one source, for per-source rate limits (see throttle.py)."""

    source = CharField()
    kind = CharField()                        # invite_code, reset_code
    at = DateTimeField()

    class Meta:
        indexes = ((("source", "kind", "at"), False),)


class MailWorker(BaseModel):
    """A process delivering the outbox, and when it last finished a round.

    Lets `portal mail status` and the staff screens say what is in force for
    this database (the door's host may send mail with settings no other
    process has). Transient: not copied by `portal db copy`.
    """

    worker = CharField(unique=True)
    server = CharField()                      # host:port and security, never a password
    beat_at = DateTimeField()


ALL_TABLES = [
    Practice,
    StaffUser,
    StaffTwoFactor,
    StaffRecoveryCode,
    Client,
    RelatedContact,
    PortalAccount,
    ChartAccess,
    Invitation,
    PasswordReset,
    LoginSession,
    Document,
    AppointmentRequest,
    LedgerEntry,
    OutboxMessage,
    AuditEvent,
    FailedAttempt,
]


# --- forms and questionnaires (models/forms/) --------------------------------


class Form(BaseModel):
    """A form of the practice's library; what it asks lives in its versions."""

    key = CharField(unique=True)              # "phq9", "consent_to_treatment"
    title = CharField()
    source = CharField(default="builtin")     # builtin, staff
    created_at = DateTimeField()
    retired_at = DateTimeField(null=True)


class FormVersion(BaseModel):
    """One published definition: never edited, an edit is a new version."""

    form = ForeignKeyField(Form, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    definition = TextField()                  # canonical JSON (models/forms/definitions.py)
    content_hash = CharField()                # SHA-256 of `definition`
    published_at = DateTimeField()
    published_by = ForeignKeyField(StaffUser, null=True)

    class Meta:
        indexes = ((("form", "number"), True),)


class FormPackage(BaseModel):
    """Forms sent together (the "New client intake")."""

    key = CharField(unique=True)
    title = CharField()
    form_keys = TextField()                   # JSON list, in the order sent
    created_at = DateTimeField()


class FormRecurrence(BaseModel):
    """A form sent to a chart again every `interval_days` until stopped."""

    client = ForeignKeyField(Client, backref="form_recurrences", on_delete="CASCADE")
    form = ForeignKeyField(Form, on_delete="CASCADE")
    interval_days = IntegerField()
    next_due_on = DateField(index=True)
    started_at = DateTimeField()
    started_by = ForeignKeyField(StaffUser, null=True)
    stopped_at = DateTimeField(null=True)
    stopped_by = ForeignKeyField(StaffUser, null=True)


class FormAssignment(BaseModel):
    """A form sent to a chart; `batch` groups those sent together (one email)."""

    client = ForeignKeyField(Client, backref="form_assignments", on_delete="CASCADE")
    form = ForeignKeyField(Form, on_delete="CASCADE")
    version = ForeignKeyField(FormVersion, on_delete="CASCADE")
    recurrence = ForeignKeyField(FormRecurrence, null=True, on_delete="SET NULL")
    batch = CharField(index=True)
    assigned_at = DateTimeField()
    assigned_by = ForeignKeyField(StaffUser, null=True)
    due_on = DateField(null=True)
    status = CharField(default="open")        # open, completed, cancelled
    completed_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("client", "status"), False),)


class FormResponse(BaseModel):
    """A draft as the client goes, then once submitted final (a correction is a new one).

    `access` is the ownership period the draft was started under: a new
    owner never sees the old owner's draft; staff see both.
    """

    assignment = ForeignKeyField(FormAssignment, backref="responses", on_delete="CASCADE")
    client = ForeignKeyField(Client, backref="form_responses", on_delete="CASCADE")
    version = ForeignKeyField(FormVersion, on_delete="CASCADE")
    access = ForeignKeyField(ChartAccess, null=True, on_delete="SET NULL")
    account = ForeignKeyField(PortalAccount, null=True, on_delete="SET NULL")
    corrects = ForeignKeyField("self", null=True, on_delete="SET NULL")
    status = CharField(default="draft")       # draft, submitted
    answers = TextField(default="{}")         # JSON: field or item id -> value
    results = TextField(default="")           # JSON: scores, bands, flags (at submit)
    started_at = DateTimeField()
    updated_at = DateTimeField()
    submitted_at = DateTimeField(null=True, index=True)
    signed_name = CharField(default="")
    signed_capacity = CharField(default="")   # self, parent, guardian
    signed_at = DateTimeField(null=True)
    signed_source = CharField(default="")
    signed_hash = CharField(default="")       # SHA-256 of the version's hash and the answers

    class Meta:
        indexes = ((("client", "status"), False),)


class FormAlert(BaseModel):
    """A risk flag of a submitted response, until staff acknowledge it with a note."""

    response = ForeignKeyField(FormResponse, backref="alerts", on_delete="CASCADE")
    client = ForeignKeyField(Client, backref="form_alerts", on_delete="CASCADE")
    flag = CharField()                        # the rule's id in the scoring rules
    label = CharField()                       # for staff only, never in an email
    created_at = DateTimeField()
    acknowledged_at = DateTimeField(null=True, index=True)
    acknowledged_by = ForeignKeyField(StaffUser, null=True)
    note = TextField(default="")


class ChartChangeProposal(BaseModel):
    """One chart field a form's answers would change; staff accept or reject it."""

    response = ForeignKeyField(FormResponse, backref="proposals", on_delete="CASCADE")
    client = ForeignKeyField(Client, backref="change_proposals", on_delete="CASCADE")
    target = CharField()                      # first_name, phone, ..., emergency_contact
    current_value = TextField(default="")     # the chart's value when proposed
    proposed_value = TextField()              # JSON for emergency_contact
    status = CharField(default="pending")     # pending, accepted, rejected
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(StaffUser, null=True)

    class Meta:
        indexes = ((("client", "status"), False),)


# `portal db copy` copies the forms too, in dependency order.
ALL_TABLES += [Form, FormVersion, FormPackage, FormRecurrence, FormAssignment, FormResponse, FormAlert, ChartChangeProposal]


class FormPdf(BaseModel):
    """The original PDF of a version imported from a fillable PDF (models/forms/pdf_forms.py)."""

    version = ForeignKeyField(FormVersion, unique=True, on_delete="CASCADE")
    filename = CharField(default="")
    data = BlobField()
    sha256 = CharField()
    field_map = TextField()                   # JSON: the definition's ids -> the PDF's field names and values
    created_at = DateTimeField()


class FormResponsePdf(BaseModel):
    """The flattened copy of a FormPdf with a submitted response's answers written in."""

    response = ForeignKeyField(FormResponse, unique=True, on_delete="CASCADE")
    data = BlobField()
    sha256 = CharField()
    created_at = DateTimeField()


ALL_TABLES += [FormPdf, FormResponsePdf]


class WorkQueueMark(BaseModel):
    """How far a staff member has looked in the work queue's completed forms.

    `seen_until` is the submit time of the newest response the queue showed
    them; the next look lists those submitted after it.
    """

    staff = ForeignKeyField(StaffUser, unique=True, on_delete="CASCADE")
    seen_until = DateTimeField()
    looked_at = DateTimeField()


ALL_TABLES += [WorkQueueMark]
