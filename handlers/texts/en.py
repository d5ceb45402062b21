"""English texts (the second language, chosen per person in /profil)."""

TEXTS: dict[str, str] = {
    # --- registration -------------------------------------------------------------------
    "privacy.notice": (
        "Welcome to the <b>{body} Assistant</b>.\n\n"
        "Before you register, please read this privacy notice:\n"
        "• <b>Purpose</b>: sending meeting invitations, recording attendance and follow-up "
        "actions.\n"
        "• <b>Data kept</b>: name, phone number, Telegram/WhatsApp account, role, agency/Posyandu, "
        "invitation answers and attendance. No child or health data.\n"
        "• <b>How long</b>: while you are active. Attendance lists are kept as financial records "
        "(SPJ); your phone number and Telegram/WhatsApp account are erased when you leave or ask. "
        "Reasons for not coming, representatives' details, reporters' names and evidence files "
        "are erased after {retention}.\n"
        "• <b>If your data is erased</b>: follow-up reports you sent stay as your agency's or "
        'Posyandu\'s record, with the reporter shown as "(erased)".\n'
        "• <b>Your rights</b> (Law 27/2022): see your data (/dataku), change language (/profil) "
        "and erase your data (/hapusdata) at any time.\n\n"
        "Do you agree?"
    ),
    "privacy.agree": "I agree",
    "privacy.decline": "I do not agree",
    "privacy.declined": "All right, nothing has been stored. Send /start if you change your mind.",
    "privacy.recorded": "Thank you, your consent has been recorded.",
    "register.ask_contact": (
        "Please press the <b>Share phone number</b> button below so we can match your number "
        "with the participant list."
    ),
    "register.contact_button": "Share phone number",
    "register.not_own_contact": (
        "Sorry, that contact is not your own Telegram account's number. Please press the "
        "<b>Share phone number</b> button below instead of forwarding someone's contact card."
    ),
    "register.bad_phone": "Sorry, that phone number cannot be read. Please contact the {body} secretariat.",
    "register.linked": (
        "Thank you, <b>{name}</b>. Your account is now linked as {role} — {organization}.\n"
        "Meeting invitations and reminders will arrive here. Send /bantuan to see the commands."
    ),
    "register.already": (
        "You are already registered as <b>{name}</b> ({role}). Send /bantuan to see the commands."
    ),
    "register.ask_details": (
        "The number {phone} is not on the {body} participant list yet.\n"
        "Please write your <b>full name and agency/Posyandu</b>, for example:\n"
        "<i>Sitti Aminah, Posyandu Melati Baruga</i>\n\nSend /batal to cancel."
    ),
    "register.details_invalid": (
        "Please write your full name and agency/Posyandu in 3 to 300 characters, for example: "
        "<i>Sitti Aminah, Posyandu Melati Baruga</i>. Send /batal to cancel."
    ),
    "register.wait_admin": (
        "Thank you. Your registration request has been sent to the secretariat. "
        "We will let you know once it is approved."
    ),
    "register.still_pending": "Your registration request is still waiting for the secretariat.",
    "register.no_admin_yet": (
        "Note: no admin is connected to the bot yet. Please contact the {body} secretariat."
    ),
    "register.invalid_token": (
        "This registration link is not valid. Please register by sharing your phone number."
    ),
    "register.token_taken": (
        "This link has already been used by another Telegram account. Please contact the {body} "
        "secretariat."
    ),
    "register.account_taken": (
        "This Telegram account is already registered as <b>{name}</b>. A link meant for someone "
        "else cannot be used here. If this is wrong, please contact the {body} secretariat."
    ),
    "register.rejected_recently": (
        "Your registration request was just rejected by the secretariat. Please contact the {body} "
        "secretariat directly."
    ),
    "register.approved": (
        "Your registration has been <b>approved</b>. Welcome, {name}! "
        "Send /bantuan to see the commands."
    ),
    "register.rejected": (
        "Sorry, your registration was <b>not approved</b> by the secretariat. If this is a "
        "mistake, please contact the {body} secretariat."
    ),
    "register.cancelled": "Registration cancelled. Send /start to begin again.",
    "register.prompt": "You are not registered yet. Send /start to register with your phone number.",
    # --- admin decisions on requests -----------------------------------------------------
    "admin.request": (
        "<b>New registration request</b>\n"
        "Name on Telegram: {contact_name}\n"
        "Phone: {phone}\n"
        "Details: {details}\n"
        "Organization: {organization}\n\n"
        "This number is not on the participant list. Approve as cadre or agency, or reject?"
    ),
    "admin.approve_kader": "Approve (cadre)",
    "admin.approve_opd": "Approve (agency)",
    "admin.reject": "Reject",
    "admin.request_approved": "✅ Approved by {admin} as {role} — {organization}.",
    "admin.request_org_unknown": (
        "not recognised (matches no organization on the list; complete it through the roster "
        "once approved)"
    ),
    "admin.request_no_org": "no organization (complete it through the roster)",
    "admin.request_rejected": "❌ Rejected by {admin}.",
    "admin.request_already": "This request was already decided by {admin}.",
    "admin.request_gone": "This request no longer exists.",
    "admin.only": "Sorry, this command is for the secretariat's admins only.",
    # --- profile and language --------------------------------------------------------------
    "profile.show": (
        "<b>Your profile</b>\n"
        "Name: {name}\n"
        "Phone: {phone}\n"
        "Role: {role}\n"
        "Agency: {organization}\n"
        "Position: {position}\n"
        "Language: {language}\n\n"
        "Choose a language below."
    ),
    "profile.language_set": "Language changed to English.",
    "profile.language_same": "Your language is already English.",
    "language.id": "Bahasa Indonesia",
    "language.en": "English",
    "role.kader": "cadre",
    "role.opd": "agency focal point",
    "role.admin": "secretariat admin",
    "org.none": "(none yet)",
    "value.empty": "-",
    "org.kecamatan": "Kecamatan {name}",
    "org.desa": "Desa {name}",
    "org.named": "{name}",
    # --- my data and erasure ---------------------------------------------------------------
    "mydata.show": (
        "<b>Your data we keep</b>\n"
        "Name: {name}\n"
        "Phone: {phone}\n"
        "Telegram account: {telegram_id}\n"
        "WhatsApp number: {whatsapp}\n"
        "Role: {role}\n"
        "Agency: {organization}\n"
        "Position: {position}\n"
        "Language: {language}\n"
        "Registered: {registered_at}\n"
        "Privacy consent: {consent_at} (version {consent_version})"
    ),
    "mydata.request": "\nRegistration request {when}: {details} (name on Telegram: {contact_name}; status: {status})",
    "mydata.request_status.awaiting_details": "waiting for your details",
    "mydata.request_status.pending": "waiting for an admin",
    "mydata.request_status.approved": "approved",
    "mydata.request_status.rejected": "rejected",
    "mydata.request_status.cancelled": "cancelled",
    "mydata.consent": "\nPrivacy consent {when} (version {version})",
    "mydata.answers": "\n\n<b>Invitation answers</b>",
    "mydata.answer": "\n• {title} ({when}): {answer}",
    "mydata.rep_phone": ", phone {phone}",
    "mydata.history": "\n   – {when}: {answer}",
    "mydata.reports": "\n\n<b>Follow-up reports you sent</b> (kept as your organization's record if your data is erased)",
    "mydata.report": "\n• {when}: {title} — {status}: {note}",
    "mydata.requests": "\n\n<b>Registration requests</b>",
    "rtl.reporter_erased": "(erased)",
    "erase.confirm": (
        "Erase your personal data? Your name, phone number and Telegram account will be erased "
        "and you will receive no more messages. Attendance already in the financial records (SPJ) "
        "is kept without your name. This cannot be undone."
    ),
    "erase.yes": "Yes, erase my data",
    "erase.no": "No, keep it",
    "erase.done": "Your personal data has been erased. Thank you.",
    "erase.kept": "All right, your data was not erased.",
    # --- common ------------------------------------------------------------------------------
    "help.everyone": (
        "<b>Commands</b>\n"
        "/profil — profile and language\n"
        "/dataku — my stored data\n"
        "/hapusdata — erase my data\n"
        "/batal — cancel the current step\n"
        "/bantuan — this help"
    ),
    "help.admin": (
        "\n\n<b>Admin</b>\nRegistration requests from new numbers arrive here with "
        "Approve/Reject buttons."
    ),
    "cancel.done": "Cancelled.",
    "conversation.ended": "Note: the unfinished {what} was stopped, since only one step can be in progress at a time.",
    "conversation.broadcast": "broadcast (/siaran)",
    "conversation.meeting": "meeting form (/rapatbaru, /notulen or /pindahrapat)",
    "conversation.action": "follow-up action (/rtlbaru or a return comment)",
    "conversation.report": "follow-up report (/tindaklanjut)",
    "conversation.answer": "invitation answer (representative or reason)",
    "cancel.nothing": "Nothing is in progress.",
    "fallback.unknown": "Sorry, I did not understand that. Send /bantuan to see the commands.",
    "button.expired": "This button is no longer valid.",
    "wa.list_button": "Choose",
    "wa.continued": "(continued {index}/{total})",
    "wa.help": (
        "<b>What you can type</b>\n"
        "UNDANGAN — my meeting invitations\n"
        "HADIR CODE — check in when you arrive at a meeting (the organisers' code)\n"
        "TINDAKLANJUT — report on a follow-up action\n"
        "PROFIL — profile and language\n"
        "DATAKU — my stored data\n"
        "HAPUSDATA — erase my data\n"
        "BATAL — cancel the step in progress\n"
        "BANTUAN — this help\n\n"
        "Answer an invitation with its buttons, or type: HADIR, WAKIL name, or TIDAK reason."
    ),
    "wa.unknown": "Sorry, I did not understand that. Type BANTUAN to see what you can type.",
    "error.internal": "Sorry, something went wrong. Please try again in a moment.",
    # --- bot command menu (setMyCommands) ----------------------------------------------------
    "cmd.start": "Register / start",
    "cmd.profil": "Profile and language",
    "cmd.dataku": "My data",
    "cmd.hapusdata": "Erase my data",
    "cmd.bantuan": "Help",
    "cmd.batal": "Cancel the current step",
}

# Command-line texts (printed, not sent: no HTML).
CLI_TEXTS: dict[str, str] = {
    "cli.settings_error": "Bad setting: {error}",
    "cli.db_upgraded": "Database {url} is at the newest version.",
    "cli.import_reading": "Reading {path} …",
    "cli.import_progress": "{path}: {done} of {total} rows …",
    "cli.import_unreadable": "The file cannot be read: {error}",
    "cli.table_too_large.rows": "{name} has more than {limit} rows; at most {limit} rows can be imported at once. Split it into several files (for example by kecamatan), or delete the empty rows below the table.",
    "cli.table_too_large.columns": "{name} has more than {limit} columns. Keep only the table's columns, then try again.",
    "cli.table_too_large.cell": "{name}, row {row}: a cell holds more than {limit} characters. Check that cell (a very long text may have been pasted into it), then try again.",
    "cli.table_too_large.bytes": "{name} is larger than {limit} MB. Split it into several files, then try again.",
    "cli.import_missing_columns": "Required columns not found: {columns}. Known columns: nama/name, telepon/no_hp/hp/phone, peran/role, instansi/organisasi, jabatan, kecamatan, desa/kelurahan, posyandu.",
    "cli.import_summary": "{total} rows: {created} new, {updated} updated, {unchanged} unchanged, {rejected} rejected.",
    "cli.import_dry_run": "Dry run (--dry-run): nothing was saved.",
    "cli.import_saved": "Saved.",
    "cli.row_error": "Row {row}: {reason}",
    "cli.reason.bad_phone": "invalid phone number ({value})",
    "cli.reason.missing_phone": "phone number missing",
    "cli.reason.missing_name": "name missing",
    "cli.reason.name_too_long": "name too long ({value}…)",
    "cli.reason.unknown_role": "unknown role ({value}); use kader, opd or admin",
    "cli.reason.duplicate": "same phone number as row {value}",
    "cli.reason.erased": "this person asked for their data to be erased; not imported again",
    "cli.database_error": "POKJANAL_DATABASE_URL: the database {url} cannot be opened: {reason}",
    "cli.bad_token": "POKJANAL_TELEGRAM_TOKEN was refused by the Bot API server: check the token from @BotFather.",
    "cli.network_error": "POKJANAL_TELEGRAM_API_URL: the Bot API server at {url} cannot be reached ({reason}).",
    "cli.port_busy": "{host}:{port} is in use by another program: choose another with --port.",
    "cli.meeting_bad_time": "{option}: '{value}' is not a time 'YYYY-MM-DD HH:MM', e.g. '{example} 09:00'.",
    "cli.meeting_bad_zone": "Unknown time zone: {zone}. Use Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).",
    "cli.meeting_created": "Meeting #{id} created. Invitations: {reach}. Attendance code: {code}",
    "cli.meeting_error.title": "The title must have 1 to 200 characters.",
    "cli.meeting_error.venue": "The venue must have 1 to 200 characters.",
    "cli.meeting_error.agenda": "The agenda has at most 2000 characters.",
    "cli.meeting_error.start_in_past": "The start time has passed.",
    "cli.meeting_error.end_before_start": "The end must be after the start.",
    "cli.meeting_error.deadline": "The answer deadline must be after now and not after the start.",
    "cli.meeting_unknown": "Meeting #{id} does not exist. List them with: pokjanal meeting list",
    "cli.meeting_cancelled": "Meeting #{id} cancelled; {count} notices queued.",
    "cli.meeting_moved": "Meeting #{id} moved; {count} new invitations queued.",
    "cli.meeting_error.not_scheduled": "This meeting is already cancelled or done.",
    "cli.qr_needs_username": "Set POKJANAL_BOT_USERNAME (the bot's name without @) so the QR link can be made.",
    "cli.qr_write_error": "The file {path} cannot be written: {reason}",
    "cli.qr_saved": "QR code saved in {path} ({link}).",
    "cli.wa_needs_number": "Set POKJANAL_WHATSAPP_NUMBER (the bot's WhatsApp number, e.g. 6281100001001) so the link can be made.",
    "cli.wa_qr_saved": "{name}: QR code saved in {path}.",
    "cli.checkin.checked_in": "{name} is recorded present at meeting #{id}.",
    "cli.checkin.walk_in": "{name} is recorded present at meeting #{id} as an uninvited participant.",
    "cli.checkin.already": "{name} was already recorded present at meeting #{id}.",
    "cli.checkin.too_early": "Check-in for meeting #{id} has not opened yet.",
    "cli.checkin.too_late": "Check-in for meeting #{id} has closed.",
    "cli.checkin.cancelled": "Meeting #{id} is cancelled.",
    "cli.checkin.unknown_code": "Meeting #{id} does not exist.",
    "cli.meeting_error.already_started": "This meeting has started; close it with its minutes instead of cancelling.",
    "cli.admin_added": "{name} ({phone}) is now an admin.",
    "cli.admin_not_found": "Nobody has the number {phone}. Import the roster first, or give --name.",
    "cli.bad_phone": "Invalid phone number: {phone}",
    "cli.links_header": "One-tap registration links (share each only with its person):",
    "cli.links_no_username": "Set POKJANAL_BOT_USERNAME to print whole links; below are the /start tokens.",
    "cli.token_missing": "{error}",
    "cli.health_inbox": "Incoming: {pending} waiting to be handled, {failed} failed ({recent} in the last 24 hours).",
    "cli.health_failed_update": "  failed {when} {update}: {error}",
    "cli.health_outbox": "Outgoing: {pending} queued, {failed} failed, {unreachable} unreachable.",
    "cli.health_db_ok": "Database: reachable ({url}).",
    "cli.health_db_missing": "Database: NOT reachable ({url}): the file {path} does not exist.",
    "cli.health_db_down": "Database: NOT reachable ({url}): {reason}",
    "cli.health_migrations_ok": "Migrations: current.",
    "cli.health_migrations_behind": "Migrations: NOT current; run pokjanal db upgrade (or restart the bot).",
    "cli.health_dispatcher_ok": "Dispatcher: alive, last beat {ago} ago, lag {lag}.",
    "cli.health_dispatcher_lagging": "Dispatcher: alive, last beat {ago} ago, but LAGGING {lag}.",
    "cli.health_dispatcher_down": "Dispatcher: NOT running, last beat {ago} ago.",
    "cli.health_dispatcher_never": "Dispatcher: NOT running (it never beat; is pokjanal run running?).",
    "cli.health_last_update": "Last update handled: {when}.",
    "cli.health_last_update_none": "Last update handled: none yet.",
    "cli.duration_seconds": "{n} seconds",
    "cli.duration_minutes": "{n} minutes",
    "cli.duration_hours": "{n} hours",
    "cli.duration_days": "{n} days",
    "cli.backup_saved": "Backup saved: {path} ({size} KB).",
    "cli.backup_missing": "The database {path} does not exist; nothing was backed up.",
    "cli.backup_failed": "Backup failed: {reason}",
    "cli.backup_postgres": "PostgreSQL is backed up with pg_dump, not with this command. Run (the password from ~/.pgpass or PGPASSWORD):\n{command}",
    "cli.demo_ready": "The demo is running. Open {url} in a browser: pick a person and send /start.\nStart with the admin ({admin}) so that requests from new numbers can be approved.\nPress Ctrl+C to stop.",
    "cli.demo_console": "Open the console (admin)",
    "cli.demo_hour": "Ahead 1 hour",
    "cli.demo_day": "Ahead 1 day",
    "cli.demo_clock": "Demo time: {when}",
    "cli.demo_moved": "The demo's time is now {when}; {count} new messages queued (reminders, nudges, escalations).",
    "cli.demo_stopped": "The demo has stopped.",
    "cli.run_starting": "The bot is running ({mode}). Press Ctrl+C to stop.",
}

TEXTS.update(
    {
        # --- delivery engine ---------------------------------------------------------------
        "broadcast.message": "📢 <b>{body} announcement</b>\n\n{text}",
        "nudge.bundle_header": "<b>{count} things are waiting for you</b>",
        # --- /siaran -----------------------------------------------------------------------
        "siaran.choose_audience": "<b>Broadcast</b>: who should receive this message?",
        "siaran.aud_all": "Everyone",
        "siaran.aud_kader": "All cadres",
        "siaran.aud_opd": "All agencies",
        "siaran.aud_admin": "Admins",
        "siaran.aud_kecamatan": "By kecamatan…",
        "siaran.aud_org": "Find an agency/Posyandu…",
        "siaran.choose_kecamatan": "Choose a kecamatan:",
        "siaran.ask_org": "Type part of the agency's or Posyandu's name, e.g. <i>Puskesmas</i> or <i>Melati</i>.",
        "siaran.org_none": "No organization matches “{query}”. Try another word, or /batal.",
        "siaran.org_pick": "Choose the organization:",
        "siaran.ask_text": "Recipients: <b>{audience}</b> ({count} people).\nWrite the broadcast (at most {max} characters), or /batal.",
        "siaran.text_invalid": "The message must have 1 to {max} characters. Please write it again, or /batal.",
        "siaran.preview": "<b>Broadcast preview</b> to <b>{audience}</b>\n{registered} people registered with the bot; {unregistered} not yet (they will not receive it).{templates}\n\n{text}",
        "preview.templates": "\n💬 {count} of them by WhatsApp template (billed: they have not written to the bot for over 24 hours).",
        "siaran.stale_preview": "This preview is out of date (the broadcast has changed). Use the latest preview.",
        "siaran.send": "Send",
        "siaran.cancel": "Cancel",
        "siaran.queued": "The broadcast is being sent.",
        "siaran.report": "<b>Broadcast report #{id}</b> ({audience})\nSent: {sent}\nWaiting: {waiting}\nUnreachable: {unreachable}\nFailed: {failed}\nSkipped: {skipped}",
        "siaran.refresh": "Refresh",
        "siaran.cancelled": "Broadcast cancelled.",
        "siaran.nobody": "Nobody matches that choice. Choose another.",
        "audience.all": "everyone",
        "audience.kader": "all cadres",
        "audience.opd": "all agencies",
        "audience.admin": "admins",
        "help.admin_siaran": "\n/siaran — send a message to a group",
        "cmd.siaran": "Broadcast (admin)",
    }
)
CLI_TEXTS.update(
    {
        "cli.broadcast_queued": "Broadcast #{id} queued for {count} people ({unreachable} not registered). The running bot will send it.",
        "cli.broadcast_unknown_audience": "Unknown audience: {spec}. Use all, kader, opd, admin, org:NAME, kecamatan:NAME or phone:NUMBER.",
        "cli.broadcast_bad_text": "The broadcast text must have 1 to {max} characters.",
        "cli.delivery_locked": "Cannot start: another pokjanal process already delivers messages from {path}; on SQLite only one may run (use PostgreSQL for several).",
    }
)

TEXTS.update(
    {
        # --- meetings and RSVP -------------------------------------------------------------
        "meeting.invitation": "📩 <b>{body} invitation</b>\n\n<b>{title}</b>\n🗓 {when}\n📍 {venue}{agenda}\n\nPlease confirm your attendance by {deadline}.",
        "meeting.agenda": "\n📝 Agenda: {agenda}",
        "meeting.current_answer": "\n\nYour answer now: <b>{answer}</b>",
        "rsvp.hadir": "Attending",
        "rsvp.diwakilkan": "Sending a representative",
        "rsvp.tidak_hadir": "Not attending",
        "rsvp.skip": "Skip",
        "rsvp.answer.pending": "not answered yet",
        "rsvp.answer.hadir": "Attending",
        "rsvp.answer.diwakilkan": "Represented by {name}, {position}",
        "rsvp.answer.tidak_hadir": "Not attending",
        "rsvp.answer.reason": " (reason: {reason})",
        "rsvp.saved": "Thank you. Your answer for <b>{title}</b>: <b>{answer}</b>.\nYou can change it until {deadline} with /undangan.",
        "rsvp.ask.rep_name": "Who will represent you at <b>{title}</b>? Write their full name. Send /batal to cancel.",
        "rsvp.ask.rep_position": "What is {name}'s position?",
        "rsvp.ask.rep_phone": "{name}'s phone number? If it is on the participant list they get the reminders too. Or press Skip.",
        "rsvp.ask.reason": "Please write a short reason for not attending <b>{title}</b>, or press Skip.",
        "rsvp.invalid.rep_name": "Please write the representative's full name (3 to 200 characters), or /batal.",
        "rsvp.invalid.rep_position": "Please write the representative's position (2 to 200 characters), or /batal.",
        "rsvp.invalid.rep_phone": "That phone number cannot be read. Write it again, e.g. 0812-3456-7890, or press Skip.",
        "rsvp.invalid.reason": "Please write a reason of at most 300 characters, or press Skip.",
        "rsvp.deadline_passed": "Sorry, the answer deadline has passed. Your answer was not changed.",
        "rsvp.cancelled": "This meeting has been cancelled. Your answer was not changed.",
        "rsvp.no_open": "No invitation is waiting for your answer.",
        "rsvp.which": "You have {count} open invitations. Please choose your answer under the invitation you mean:",
        "rsvp.stopped": "All right, your previous answer stands.",
        "rsvp.unchanged": "Your answer is already {answer}.",
        "meeting.reminder": "⏰ <b>Meeting reminder</b>\n<b>{title}</b>\n🗓 {when}\n📍 {venue}\nYour answer: {answer}\nWhen you arrive, send /hadir {code} to record your attendance.",
        "meeting.reminder_representative": "⏰ <b>Meeting reminder</b>\nYou represent <b>{invitee}</b> at <b>{title}</b>\n🗓 {when}\n📍 {venue}\nWhen you arrive, send /hadir {code} to record your attendance.",
        "rsvp.nudge_item": "The invitation to <b>{title}</b> ({when}) is waiting for your answer",
        "rsvp.open": "Answer: {title}",
        "checkin.ask_code": "Send /hadir followed by the attendance code shown by the organisers, e.g.: /hadir K7QX4P",
        "checkin.unknown_code": "The code {code} is not known. Please check the organisers' code again.",
        "checkin.checked_in": "✅ Your attendance at <b>{title}</b> is recorded: {time}. Thank you.",
        "checkin.walk_in": "✅ Your attendance at <b>{title}</b> is recorded ({time}) as an uninvited participant. Thank you.",
        "checkin.already": "Your attendance at <b>{title}</b> was already recorded.",
        "checkin.too_early": "Check-in for <b>{title}</b> opens {opens}.",
        "checkin.too_late": "Check-in for <b>{title}</b> has closed.",
        "checkin.cancelled": "The meeting <b>{title}</b> has been cancelled.",
        "cmd.hadir": "Record attendance with the code",
        "meeting.moved": "⚠️ <b>The schedule has changed</b> (it was {old}). Please confirm your attendance again.",
        "meeting.notice.cancelled": "❌ <b>Meeting cancelled</b>\n<b>{title}</b>, planned for {when}, is <b>cancelled</b>. We apologise for the change.",
        "meeting.notice.representing": "📩 <b>You have been asked to represent {invitee}</b>\n<b>{title}</b>\n🗓 {when}\n📍 {venue}\nWhen you arrive, send /hadir {code} to record your attendance.",
        "rapat.ask.title": "<b>New meeting</b>. What is its title? E.g. <i>District Pokjanal Posyandu coordination meeting</i>. Send /batal to cancel.",
        "rapat.ask.date": "Date of the meeting? E.g. <i>{example}</i>, <i>{example_named}</i>, <i>tomorrow</i> or <i>besok</i>.",
        "rapat.ask.time": "Start time? E.g. <i>09.00</i> or <i>09.00 WITA</i>.",
        "rapat.ask.venue": "Venue? E.g. <i>Regent's office hall</i>.",
        "rapat.ask.deadline": "Answer deadline? Type a date (and time), or press the button below.",
        "rapat.ask.audience": "Who is invited? Press a button, or type e.g. <i>kecamatan:Malili, org:Dinas Kesehatan, phone:0812…</i> (comma-separated).",
        "rapat.deadline_at_start": "Until the start",
        "rapat.aud_all": "Everyone",
        "rapat.aud_opd": "All agencies",
        "rapat.aud_kader": "All cadres",
        "rapat.preview": "<b>Meeting preview</b>\n<b>{title}</b>\n🗓 {when}\n📍 {venue}\nAnswer deadline: {deadline}\nInvited: {audience} ({count} people){templates}\n\nSend the invitations now?",
        "rapat.confirm": "Create & send invitations",
        "rapat.cancel": "Cancel",
        "rapat.cancelled": "Meeting creation cancelled.",
        "rapat.created": "✅ Meeting #{id} created.\nInvitations: {reach}.\nAttendance code: <b>{code}</b> (participants send /hadir {code} on arrival).",
        "rapat.invalid.title": "The title must have 3 to 200 characters. Please write it again.",
        "rapat.invalid.date": "That date cannot be read. Write e.g. <i>{example}</i>, <i>{example_named}</i> or <i>tomorrow</i>.",
        "rapat.invalid.date_past": "That date has passed. Please write today's date or a later one.",
        "rapat.invalid.time": "That time cannot be read. Write e.g. <i>09.00</i> or <i>jam 9 WITA</i>.",
        "rapat.invalid.time_past": "That time has passed. Please write a time to come.",
        "rapat.invalid.venue": "The venue must have 3 to 200 characters. Please write it again.",
        "rapat.invalid.deadline": "That deadline cannot be read. Write e.g. <i>{example} 16.00</i>, or press the button.",
        "rapat.invalid.deadline_order": "The answer deadline must be after now and not after the start.",
        "rapat.invalid.audience": "Nobody matches. Press a button, or check the kecamatan/organization name.",
        "rapat.invalid.stale": "That button is from an old preview. Use the latest message.",
        "rapat.invalid.meeting_start_in_past": "The start time passed during the preview. Start again with /rapatbaru.",
        "rapat.invalid.meeting_deadline": "The answer deadline passed during the preview. Start again with /rapatbaru.",
        "rapat.invalid.meeting_title": "The title is not valid. Start again with /rapatbaru.",
        "rapat.invalid.meeting_venue": "The venue is not valid. Start again with /rapatbaru.",
        "help.admin_rapat": "\n/rapatbaru — create a meeting and send invitations",
        "cmd.rapatbaru": "New meeting (admin)",
        "notulen.nudge_item": "The meeting <b>{title}</b> ({when}) is not closed yet: please send its minutes",
        "notulen.button": "Send minutes: {title}",
        "notulen.ask": "Send the minutes of <b>{title}</b>: type a summary, or send the document (PDF/Word). Send /batal to cancel.",
        "notulen.closed": "✅ The minutes of <b>{title}</b> are saved and the meeting is closed. Thank you.",
        "notulen.none": "No meeting is waiting for its minutes.",
        "notulen.choose": "Meetings waiting for their minutes:",
        "notulen.invalid.minutes": "The minutes need at least 3 characters, or send them as a document.",
        "notulen.invalid.not_ended": "This meeting has not ended yet.",
        "notulen.invalid.not_scheduled": "This meeting is already closed or cancelled.",
        "help.admin_notulen": "\n/notulen — close a meeting with its minutes",
        "cmd.notulen": "Meeting minutes (admin)",
        "notulen.document": "(document: {name})",
        "export.minutes_title": "Minutes",
        "rapat.none_upcoming": "There is no upcoming meeting.",
        "rapat.choose_cancel": "Which meeting is cancelled?",
        "rapat.choose_move": "Which meeting moves?",
        "rapat.cancel_confirm": "Cancel <b>{title}</b>? Every invitee is told and no reminder goes out.",
        "rapat.cancel_yes": "Yes, cancel the meeting",
        "rapat.cancel_done": "❌ <b>{title}</b> is cancelled. Every invitee is being told.",
        "rapat.ask.move_date": "New date for <b>{title}</b>? E.g. <i>{example}</i> or <i>{example_named}</i>.",
        "rapat.moved": "✅ <b>{title}</b> moved to {when}. Invitations with the new time are being sent; those who answered are asked to confirm again.",
        "help.admin_move_cancel": "\n/pindahrapat, /batalrapat — move or cancel a meeting",
        "cmd.batalrapat": "Cancel a meeting (admin)",
        "cmd.pindahrapat": "Move a meeting (admin)",
        "rapat.invalid.meeting_not_scheduled": "This meeting is already cancelled or closed; nothing was changed.",
        "rapat.invalid.meeting_end_before_start": "The end must be after the start.",
        "rapat.invalid.meeting_agenda": "The agenda is too long (at most 2000 characters).",
        "rapat.invalid.meeting_already_started": "This meeting has started; close it with /notulen instead of cancelling.",
        "notulen.invalid.already_started": "This meeting has started; close it with /notulen instead of cancelling.",
        "rapat.move_stopped": "All right, the meeting's schedule is unchanged.",
        "rapat.move_preview": "<b>Move the meeting?</b>\n<b>{title}</b>\nWas: {old}\nNow: <b>{new}</b>\nPlace: {venue} (unchanged)\nAnswer by: {deadline}\n\nTold of the new time: {reach}. Those who answered are asked to confirm again.",
        "rapat.move_yes": "Yes, move it",
        "rapat.no": "No",
        "rapat.cancel_kept": "All right, <b>{title}</b> is not cancelled. Nothing was changed.",
        "rapat.invalid.move_start_in_past": "That new time passed during the preview; the schedule is unchanged. Start again with /pindahrapat.",
        "invite.reach.sending": "{count} being sent{channels}",
        "invite.reach.by_bot": "{count} through the bot{channels}",
        "invite.reach.channels": " (Telegram {telegram}, WhatsApp {whatsapp})",
        "invite.reach.unregistered": "{count} not registered with the bot yet (they get it when they register)",
        "invite.reach.blocked": "{count} cannot be reached (blocked the bot)",
        "notulen.stopped": "All right, no minutes recorded; the meeting stays open.",
        "meeting.notice.late_decline": "⚠️ <b>{invitee}</b> ({organization}) cancelled their attendance at <b>{title}</b> ({when}). Reason: {reason}",
        "undangan.header": "<b>Open invitations ({count})</b>",
        "help.rsvp": "\n/undangan — my meeting invitations\nYou can also type: HADIR, WAKIL name, or TIDAK reason.",
        "cmd.undangan": "My meeting invitations",
        "help.checkin": "\n/hadir CODE — check in when you arrive at a meeting (the organisers' code)",
    }
)
TEXTS.update(
    {
        # --- attendance list (export for the SPJ): plain text, written into XLSX/PDF/CSV -----
        "export.title": "ATTENDANCE LIST",
        "export.sheet": "Attendance",
        "export.when": "When: {when}",
        "export.until": " until {time}",
        "export.venue": "Venue: {venue}",
        "export.code": "Attendance code: {code}",
        "export.summary": "Invited: {invited} · Attending: {hadir} · Represented: {diwakilkan} · Not attending: {tidak_hadir} · Not answered: {pending} · Checked in: {checked_in}",
        "export.page": "Page {page} of {pages}",
        "export.erased": "(data erased)",
        "export.walk_in": "walk-in",
        "export.yes": "yes",
        "export.answer.diwakilkan": "Represented",
        "export.col.no": "No",
        "export.col.name": "Name",
        "export.col.position": "Position",
        "export.col.organization": "Organization",
        "export.col.answer": "Answer",
        "export.col.representative": "Represented by",
        "export.col.check_in": "Time in",
        "export.col.signature": "Signature",
        "export.col.answered_at": "Answered at",
        "export.col.reason": "Reason",
        "export.col.walk_in": "Walk-in",
    }
)
CLI_TEXTS.update(
    {
        "cli.export_bad_suffix": "Unknown format: {name}. End the file name with .xlsx, .pdf or .csv.",
        "cli.export_unknown_meeting": "There is no meeting #{id}. List the meetings with: pokjanal meeting list",
        "cli.export_write_error": "Cannot write {path}: {reason}",
        "cli.export_saved": "Attendance list of meeting #{id} ({count} people) saved to {path}.",
    }
)

TEXTS.update(
    {
        # --- /rekap: a meeting's recap for the secretariat ------------------------------------
        "rekap.choose": "📊 Choose the meeting to recap:",
        "rekap.no_meetings": "There are no upcoming meetings and none in the last 30 days.",
        "rekap.not_found": "That meeting was not found. Send /rekap to choose from the list.",
        "rekap.meeting_button": "{title} · {date}",
        "rekap.header": "📊 <b>Recap of {title}</b>\n🗓 {when}\n📍 {venue}",
        "rekap.status.cancelled": "⛔ This meeting was cancelled.",
        "rekap.status.done": "✔️ This meeting has been closed.",
        "rekap.status.closed": "🔒 The RSVP deadline has passed.",
        "rekap.percent": "{count} ({percent}%)",
        "rekap.funnel": "📨 {invited} invited · 📬 {delivered} delivered\n💬 {answered} answered · 📍 {checked_in} checked in",
        "rekap.walk_ins": "🚶 Attended without an invitation: {count}",
        "rekap.channel.read": "{channel}: {sent} sent, {delivered} delivered, {read} read",
        "rekap.channel.sent": "{channel}: {sent} sent",
        "channel.telegram": "Telegram",
        "channel.whatsapp": "WhatsApp",
        "rekap.answers": "✅ {hadir} attending · 👥 {diwakilkan} represented · ❌ {tidak_hadir} not · ⏳ {pending} no answer",
        "rekap.person_line": "• {name} — {organization}",
        "rekap.person_unreachable": "• {name} — {organization} ({reason})",
        "rekap.reason.not_registered": "not registered with the bot",
        "rekap.reason.blocked": "blocked the bot",
        "rekap.reason.erased": "personal data erased",
        "rekap.erased_name": "(data erased)",
        "rekap.nobody": "• nobody",
        "rekap.nudge_button": "Remind those who have not answered",
        "rekap.nudged_short": "{count} reminder(s) queued.",
        "rekap.nudged": "🔔 {count} reminder(s) queued for those who have not answered. Reminders go out on working days, at most one reminder message per person a day.",
        "rekap.nudged_none": "No new reminders: those who have not answered are not registered with the bot, have blocked it, or were reminded in the last 24 hours.",
        "rekap.nudge_closed": "The RSVP deadline of this meeting has passed or the meeting was cancelled; no reminders were sent.",
        "rekap.chart.hadir": "Attending",
        "rekap.chart.diwakilkan": "Represented",
        "rekap.chart.tidak_hadir": "Not attending",
        "rekap.chart.pending": "No answer yet",
        "rekap.chart.empty": "No invitations yet",
        "rekap.kinds_header": "<b>By kind of organization</b> (answered / invited)",
        "rekap.kind_line": "<b>{kind}</b> {answered}/{invited} · {covered} of {organizations} covered",
        "rekap.kind_line.none": "<b>{kind}</b> {answered}/{invited}",
        "rekap.kind.agency": "Agencies (OPD)",
        "rekap.kind.puskesmas": "Puskesmas",
        "rekap.kind.kecamatan": "Kecamatan",
        "rekap.kind.desa": "Desa/Kelurahan",
        "rekap.kind.posyandu": "Posyandu",
        "rekap.kind.none": "No organization",
        "rekap.kind_chart.agency": "OPD ({count})",
        "rekap.kind_chart.puskesmas": "Puskesmas ({count})",
        "rekap.kind_chart.kecamatan": "Kecamatan ({count})",
        "rekap.kind_chart.desa": "Desa/Kelurahan ({count})",
        "rekap.kind_chart.posyandu": "Posyandu ({count})",
        "rekap.kind_chart.none": "No organization ({count})",
        "rekap.laggards": "   no answer: {names}",
        "rekap.laggard": "{name} ({count})",
        "rekap.laggards_more": " +{count} more",
        "rekap.minutes_kept": "📝 The minutes are saved.",
        "rekap.carried": "🔁 {count} follow-up(s) of earlier meetings still open ({overdue} overdue) — /statusrtl",
        "rekap.as_of": "🕒 As of {now}",
        "rekap.pending_button": "No answer yet ({count})",
        "rekap.download_button": "Download attendance list",
        "rekap.console_button": "Open the console",
        "rekap.downloading": "Sending the attendance list (XLSX and PDF)…",
        "rekap.pending_title": "⏳ <b>No answer yet: {title}</b> ({count} people, page {page}/{pages})",
        "rekap.page_back": "◀ Previous",
        "rekap.page_next": "Next ▶",
        "rekap.chart.share_axis": "% of those invited",
        "lembar.kind.roster": "📋 <b>Roster</b> checked: {summary}",
        "lembar.kind.rtl": "📋 <b>RTL sheet</b> checked: {summary}",
        "lembar.row": "• {text}",
        "lembar.more_rows": "… and {count} more rows refused: the whole list shows when the same file is uploaded on the console (/konsol).",
        "lembar.not_saved_yet": "Nothing is saved yet. Refused rows will not be saved; press Save to save the rest.",
        "lembar.saved": "✅ Saved.",
        "lembar.save": "Save {count} rows",
        "lembar.gone": "The checked file is no longer available (more than 30 minutes, or already saved). Please send it again.",
        "lembar.unknown_columns": "Required columns not found: {columns}. A roster needs name, phone number and role columns; an RTL sheet needs follow-up, owner and due date columns.",
        "lembar.unreadable": "That file cannot be read as a roster or an RTL sheet. {reason} Nothing was saved.",
        "lembar.unavailable": "Checking sheets is not available on this server yet.",
        "lembar.damaged": "The file cannot be opened as CSV or XLSX (damaged, password-protected, or not a spreadsheet).",
        "lembar.too_big": "The file is too big to check. Nothing was saved.",
        "lembar.failed": "The file could not be downloaded. Please send it again. Nothing was saved.",
        "help.admin_rekap": "\n/rekap — meeting invitation and attendance recap\n/konsol — sign-in link to the secretariat's web console",
    }
)

# Follow-up actions (RTL): each part keeps its texts in its own module.
from handlers.texts import (  # noqa: E402
    action_cli_en,
    action_status_en,
    actions_en,
    console_en,
    privacy_cli_en,
)

for _part in (actions_en, action_status_en, action_cli_en, console_en, privacy_cli_en):
    TEXTS.update(_part.TEXTS)
    CLI_TEXTS.update(_part.CLI_TEXTS)
