"""English texts of the follow-up actions (action_status)."""

TEXTS: dict[str, str] = {
    # --- /statusrtl: where the follow-up actions (RTL) stand ----------------------------------
    "statusrtl.empty": "Dear Sir/Madam, no follow-up actions (RTL) have been recorded yet.",
    "statusrtl.empty_own": "Dear Sir/Madam, there are no follow-up actions (RTL) for {organization} yet.",
    "statusrtl.header": "📋 <b>Follow-up actions (RTL) status</b>\n🕒 As of {today}",
    "statusrtl.totals": "Actions: {total} · ⬜ Not started: {belum_mulai} · 🔄 In progress: {sedang_berjalan} · ✅ Done: {selesai} · ⛔ Blocked: {terkendala}\n⚠️ Overdue: {overdue}",
    "statusrtl.orgs_header": "<b>By organization</b> ({count})",
    "statusrtl.org_line.overdue": "⚠️ <b>{name}</b> ({total} actions, {overdue} overdue): {parts}",
    "statusrtl.org_line.ok": "• {name} ({total} actions): {parts}",
    "statusrtl.part.belum_mulai": "{count} not started",
    "statusrtl.part.sedang_berjalan": "{count} in progress",
    "statusrtl.part.selesai": "{count} done",
    "statusrtl.part.terkendala": "{count} blocked",
    "statusrtl.part.awaiting": "{count} awaiting review",
    "statusrtl.groups_header": "<b>Shared actions</b>",
    "statusrtl.group_line": "• {label} — {title} (due {due}): {done} of {organizations} organizations done, {overdue} overdue",
    "statusrtl.own_header": "📋 <b>Actions of {organization}</b>\n🕒 As of {today}",
    "statusrtl.own_line": "• <b>{title}</b>\n  Due {due} · {status}",
    "statusrtl.own_line_overdue": "• <b>{title}</b>\n  Due {due} · {status} · ⚠️ overdue",
    "statusrtl.chart_caption": "📊 Follow-up actions by organization (as of {today})",
    "statusrtl.chart.title": "Follow-up actions by organization",
    "statusrtl.chart.axis": "Number of actions",
    "statusrtl.chart.other": "Others ({count} organizations)",
    "statusrtl.chart.overdue": "{count} overdue",
    "statusrtl.chart.empty": "No follow-up actions yet",
    # --- the weekly digest to admins --------------------------------------------------------
    "digest.header": "📰 <b>Weekly summary</b>\nDear Sir/Madam, here is the situation as of {today}.",
    "digest.meetings_header": "<b>Upcoming meetings</b>",
    "digest.meeting_line": "🗓 <b>{title}</b> — {when}\n   {invited} invited: ✅ {hadir} attending · 👥 {diwakilkan} represented · ❌ {tidak_hadir} not attending · ⏳ {pending} not answered",
    "digest.no_meetings": "No upcoming meetings.",
    "digest.overdue_header": "<b>Overdue actions</b> ({count})",
    "digest.overdue_org": "⚠️ <b>{name}</b> ({count})",
    "digest.overdue_line": "   • {title} (due {due})",
    "digest.no_overdue": "No overdue actions.",
    "digest.footer": "Details: /statusrtl and /rekap.",
}
CLI_TEXTS: dict[str, str] = {}
