"""Indonesian texts of the follow-up actions (action_status)."""

TEXTS: dict[str, str] = {
    # --- /statusrtl: where the follow-up actions (RTL) stand ----------------------------------
    "statusrtl.empty": "Yth. Bapak/Ibu, belum ada rencana tindak lanjut (RTL) yang tercatat.",
    "statusrtl.empty_own": "Yth. Bapak/Ibu, belum ada rencana tindak lanjut (RTL) untuk {organization}.",
    "statusrtl.header": "📋 <b>Status rencana tindak lanjut (RTL)</b>\n🕒 Keadaan per {today}",
    "statusrtl.totals": "Jumlah RTL: {total} · ⬜ Belum mulai: {belum_mulai} · 🔄 Sedang berjalan: {sedang_berjalan} · ✅ Selesai: {selesai} · ⛔ Terkendala: {terkendala}\n⚠️ Terlambat: {overdue}",
    "statusrtl.orgs_header": "<b>Per organisasi</b> ({count})",
    "statusrtl.org_line.overdue": "⚠️ <b>{name}</b> ({total} RTL, {overdue} terlambat): {parts}",
    "statusrtl.org_line.ok": "• {name} ({total} RTL): {parts}",
    "statusrtl.part.belum_mulai": "{count} belum mulai",
    "statusrtl.part.sedang_berjalan": "{count} sedang berjalan",
    "statusrtl.part.selesai": "{count} selesai",
    "statusrtl.part.terkendala": "{count} terkendala",
    "statusrtl.part.awaiting": "{count} menunggu pemeriksaan",
    "statusrtl.groups_header": "<b>RTL bersama</b>",
    "statusrtl.group_line": "• {label} — {title} (tenggat {due}): {done} dari {organizations} organisasi selesai, {overdue} terlambat",
    "statusrtl.own_header": "📋 <b>RTL {organization}</b>\n🕒 Keadaan per {today}",
    "statusrtl.own_line": "• <b>{title}</b>\n  Tenggat {due} · {status}",
    "statusrtl.own_line_overdue": "• <b>{title}</b>\n  Tenggat {due} · {status} · ⚠️ terlambat",
    "statusrtl.chart_caption": "📊 Status RTL per organisasi (keadaan per {today})",
    "statusrtl.chart.title": "Status RTL per organisasi",
    "statusrtl.chart.axis": "Jumlah RTL",
    "statusrtl.chart.other": "Lainnya ({count} organisasi)",
    "statusrtl.chart.overdue": "{count} terlambat",
    "statusrtl.chart.empty": "Belum ada RTL",
    # --- the weekly digest to admins --------------------------------------------------------
    "digest.header": "📰 <b>Ringkasan mingguan</b>\nYth. Bapak/Ibu, berikut keadaan per {today}.",
    "digest.meetings_header": "<b>Rapat yang akan datang</b>",
    "digest.meeting_line": "🗓 <b>{title}</b> — {when}\n   {invited} diundang: ✅ {hadir} hadir · 👥 {diwakilkan} diwakilkan · ❌ {tidak_hadir} tidak hadir · ⏳ {pending} belum menjawab",
    "digest.no_meetings": "Tidak ada rapat yang akan datang.",
    "digest.overdue_header": "<b>RTL terlambat</b> ({count})",
    "digest.overdue_org": "⚠️ <b>{name}</b> ({count})",
    "digest.overdue_line": "   • {title} (tenggat {due})",
    "digest.no_overdue": "Tidak ada RTL yang terlambat.",
    "digest.footer": "Rincian: /statusrtl dan /rekap.",
}
CLI_TEXTS: dict[str, str] = {}
