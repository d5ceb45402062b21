"""English texts of retention and the audit trail (pokjanal privacy purge, pokjanal audit)."""

TEXTS: dict[str, str] = {
    "retention.y": "{n} years",
    "retention.m": "{n} months",
    "retention.d": "{n} days",
}

CLI_TEXTS: dict[str, str] = {
    "cli.purge_bad_period": "--older-than {value}: write a number and y (years), m (months) or d (days), e.g. 2y.",
    "cli.purge_summary": "Personal data before {cutoff}: {answers} invitation answers (reasons, representatives), {history} answer history rows, {reports} reports (reporter, checker), {evidence} evidence files, {messages} sent messages quoting a reason, {requests} decided registration requests.",
    "cli.purge_dry_run": "Dry run (--dry-run): nothing was changed or deleted.",
    "cli.purge_done": "Done: the above is anonymised and its evidence files deleted.",
    "cli.audit_bad_date": "--since {value}: write a date YYYY-MM-DD, e.g. 2026-01-31.",
    "cli.audit_empty": "Nothing recorded yet.",
    "cli.audit_line": "{when}\t{who}\t{what}\t{target}\t{people} people",
    "cli.audit_actor": "admin #{id} {name} ({via})",
    "cli.audit_person": "person #{id} ({via})",
    "cli.audit_via.chat": "chat",
    "cli.audit_via.console": "console",
    "cli.audit_via.cli": "command line",
    "cli.audit_act.export_attendance": "attendance list downloaded",
    "cli.audit_act.export_actions": "actions and reports downloaded",
    "cli.audit_act.broadcast": "broadcast sent",
    "cli.audit_act.registration_approve": "registration approved",
    "cli.audit_act.registration_reject": "registration rejected",
    "cli.audit_act.admin_add": "admin added",
    "cli.audit_act.meeting_create": "meeting created",
    "cli.audit_act.meeting_move": "meeting moved",
    "cli.audit_act.meeting_cancel": "meeting cancelled",
    "cli.audit_act.report_accept": "report accepted",
    "cli.audit_act.report_return": "report returned",
    "cli.audit_act.erasure": "own data erased (/hapusdata)",
    "cli.audit_act.purge": "old data purged",
}
