"""English texts of the follow-up actions: /rtlbaru, /tindaklanjut, notices and nudges."""

TEXTS: dict[str, str] = {
    "nudge.bundle_more": "… and {count} more: /tindaklanjut and /undangan",
    "help.rtl": "\n/tindaklanjut — report on my agency's or Posyandu's follow-ups (RTL)",
    "rtl.evidence_caption": "📎 Evidence {number}/{count} — follow-up #{id}: <b>{title}</b>\nReported by {reporter}, {when}",
    "help.rtl_status": "\n/statusrtl — where my agency's or Posyandu's follow-ups stand",
    "help.admin_rtl": (
        "\n/rtlbaru — record a meeting follow-up\n/statusrtl — follow-up status per agency"
    ),
    "cmd.tindaklanjut": "Report a follow-up (RTL)",
    "cmd.rtlbaru": "New follow-up (admin)",
    "rtl.status.belum_mulai": "Not started",
    "rtl.status.sedang_berjalan": "In progress",
    "rtl.status.selesai": "Done",
    "rtl.status.terkendala": "Blocked",
    "rtl.status.selesai_pending": "Done (waiting for the check)",
    "rtl.status.selesai_accepted": "Done (accepted)",
    "rtl.status.returned": "Returned, being worked on again",
    "rtl.card": "📌 <b>{title}</b>\nOwner: {owner}\nDue: {due}\nStatus: {status}",
    "rtl.card_overdue": "\n⚠️ Overdue by {days} days",
    "rtl.card_detail": "\nNote: {detail}",
    "rtl.card_meeting": "\nFrom the meeting: {meeting}",
    "rtl.report_button": "Report: {title}",
    "rtl.nudge.before": "Follow-up <b>{title}</b> ({owner}) is due {due}",
    "rtl.nudge.due": "Follow-up <b>{title}</b> ({owner}) is due <b>today</b>",
    "rtl.nudge.overdue": "Follow-up <b>{title}</b> ({owner}) is {days} days overdue (due {due})",
    "rtl.report_summary": (
        "Reported by: {reporter}\nStatus: {status}\nNote: {note}\nEvidence: {files} file(s)"
    ),
    "rtl.assigned": "Dear Sir/Madam, a follow-up has been assigned to your agency or Posyandu. Please report its progress with the button below or /tindaklanjut.",
    "rtl.escalation": (
        "⚠️ <b>Follow-up not reported</b> after two reminders past its due date. "
        "Please help reach its owner."
    ),
    "rtl.escalation_list": (
        "⚠️ <b>{count} overdue follow-ups have not been reported.</b> "
        "Please help reach their owners:"
    ),
    "rtl.escalation_item": "• <b>{title}</b> — {owner}, due {due}, {days} days overdue",
    "rtl.escalation_item_unreachable": " (nobody registered with the bot yet)",
    "rtl.escalation_more": "… and {count} more: /statusrtl",
    "rtl.review": "<b>A Done report is waiting for your check</b>",
    "rtl.accept": "✅ Accept",
    "rtl.return": "↩️ Return",
    "rtl.show_evidence": "Show evidence",
    "rtl.verdict.accepted": "✅ Your Done report was <b>accepted</b> by the secretariat. Thank you.",
    "rtl.verdict.returned": (
        "↩️ Your Done report was <b>returned</b> by the secretariat. Comment: {comment}\n"
        "The follow-up is open again; please report once it is complete."
    ),
    "rtl.carry_over": "📌 Follow-ups from earlier meetings: {count} still open ({overdue} overdue).",
    "rtl.carry_over_mine": " {mine} of them belong to your agency or Posyandu: /tindaklanjut",
    "rtl.carry_over_item": "• <b>{title}</b> — {owner}, due {due}: {status}",
    "rtl.carry_over_header": "\n<b>Follow-ups from earlier meetings</b> ({count} still open)",
    "rtl.overdue_mark": " ⚠️",
    "rtl.created_one": "Saved: <b>{title}</b> for {owner}. The owner has been told.",
    "rtl.created_many": (
        "Saved: <b>{title}</b> for {group} — {count} follow-ups, one per organization. "
        "Each has been told."
    ),
    "rtl.none_mine": "No open follow-ups for your agency or Posyandu. Thank you.",
    "rtl.pick": "<b>{count} open follow-up(s)</b> — choose one to report on:",
    "rtl.draft_expired": (
        "Your report on <b>{title}</b> was not sent and has expired (24 hours without an "
        "answer). Please start again with /tindaklanjut."
    ),
    "rtl.exists": (
        "The follow-up <b>{title}</b> for {owner} already exists (status: {status}); "
        "it was not created again."
    ),
    "rtl.draft_replaced": "Note: the follow-up you were writing (/rtlbaru) was cancelled.",
    "rtl.escalation_unreachable": (
        "⚠️ <b>Follow-up overdue, and nobody of its owner can be reached</b> through the bot "
        "(nobody registered yet). Please help reach them."
    ),
    "rtl.invalid.note_first": "Write the note first; photos or documents come after it.",
    "rtl.next_page": "Next ({page}/{pages})",
    "rtl.page": " — page {page} of {pages}",
    "rtl.list_line": "{number}. <b>{title}</b>\n    Due {due} · {status}{late}",
    "rtl.report_button_numbered": "{number}. {title}",
    "rtl.action_draft_expired": (
        "The follow-up you were writing with /rtlbaru was not saved and has expired (24 hours "
        "without an answer). Please start again with /rtlbaru."
    ),
    "rtl.return_expired": (
        "Returning the report was not finished and has expired (24 hours without a reason). "
        "The report still waits for a check: press Return again if needed."
    ),
    "rtl.cancelled": "Cancelled. Nothing was saved.",
    "rtl.ask.status": "What is its status now?",
    "rtl.ask.note": "Write a short note (what has been done), or press Skip.",
    "rtl.ask.note_required": "Write a short note: what was done, or what is in the way (required).",
    "rtl.ask.evidence": (
        "Send photos or documents (PDF, Word, Excel) as evidence — several are fine. "
        "Press Skip if there are none."
    ),
    "rtl.skip": "Skip",
    "rtl.report_cancel": "✖ Cancel the report",
    "rtl.cancel": "Cancel",
    "rtl.send": "Send report",
    "rtl.save": "Save",
    "rtl.preview": (
        "<b>Check your report</b>\nFollow-up: {title}\nStatus: {status}\n"
        "Note: {note}\nEvidence: {files} file(s)"
    ),
    "rtl.sent": "Thank you, the report is saved.",
    "rtl.sent_selesai": "Thank you, the Done report is saved and waits for the secretariat's check.",
    "rtl.evidence_added": "Evidence {count} saved. Send more, or press That is all.",
    "rtl.evidence_done": "That is all, continue ({count})",
    "rtl.ask.meeting": "Which meeting is the follow-up from?",
    "rtl.no_meeting": "No meeting",
    "rtl.ask.title": "What is the follow-up? (one sentence, e.g. Re-count the active Posyandu)",
    "rtl.ask.owner": (
        "Who owns it? Type part of the name, e.g. Dinas Kesehatan, Malili, Posyandu Melati, "
        "or Camat se-Kabupaten."
    ),
    "rtl.ask.owner_pick": "Choose the owner:",
    "rtl.ask.due": "When is it due? (e.g. {example}, {example_named}, besok)",
    "rtl.ask.return_comment": "Write why it is returned (what must be completed):",
    "rtl.owner_group": "{group} ({count} organizations)",
    "rtl.preview_action": (
        "<b>Check the follow-up</b>\n{title}\nOwner: {owner}\nDue: {due}\nMeeting: {meeting}"
    ),
    "rtl.accepted_ok": "Report accepted. The reporter and the owner have been told.",
    "rtl.returned_ok": "Report returned; the follow-up is open again and the reporter was told.",
    "rtl.invalid.title": "A follow-up needs 3–300 characters.",
    "rtl.invalid.detail": "The note is too long (at most 2000 characters).",
    "rtl.invalid.owner_not_found": "Not found. Try another part of the name.",
    "rtl.invalid.unknown_owner": "Unknown owner.",
    "rtl.invalid.due": "Could not read the date. Example: {example} or {example_named}.",
    "rtl.invalid.due_before_meeting": "The due date cannot be before its meeting ({value}).",
    "rtl.invalid.due_in_past": "The due date cannot be before today ({value}).",
    "rtl.invalid.unknown_meeting": "That meeting was not found.",
    "rtl.invalid.comment": "The reason needs 3–500 characters.",
    "rtl.invalid.already_checked": "This report has already been checked.",
    "rtl.invalid.gone": "This follow-up no longer exists.",
    "rtl.invalid.not_admin": "Sorry, only the secretariat's admins check reports.",
    "rtl.invalid.not_yours": "Sorry, this follow-up does not belong to your agency or Posyandu.",
    "rtl.invalid.done": "This follow-up has already been reported Done.",
    "rtl.invalid.status": "Choose one of the statuses with the buttons.",
    "rtl.invalid.use_buttons": "Please choose with the buttons.",
    "rtl.invalid.stale": "This button is no longer valid.",
    "rtl.invalid.note_required": "A note is required for Done and Blocked (at least 5 characters).",
    "rtl.invalid.note_short": "The note is too short (at least 5 characters).",
    "rtl.invalid.note_long": "The note is too long (at most 1000 characters).",
    "rtl.invalid.evidence_text": "Now send photos or documents as evidence, or press Skip / That is all.",
    "rtl.invalid.file_type": (
        "This file cannot be used as evidence. Send a photo, or a PDF, Word or Excel "
        "document — or press Skip."
    ),
    "rtl.invalid.file_size": "The file is too large (at most {limit}). Send a normal photo (not as a file) or a smaller document.",
    "rtl.invalid.file_failed": "The file did not arrive (signal?). Please send it once more.",
    "rtl.invalid.too_many_files": "That is 5 pieces of evidence — enough. Press That is all.",
}
CLI_TEXTS: dict[str, str] = {}
