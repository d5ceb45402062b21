"""Indonesian texts of retention and the audit trail (pokjanal privacy purge, pokjanal audit)."""

TEXTS: dict[str, str] = {
    # The retention period as the privacy notice says it (POKJANAL_RETENTION: 2y, 18m, 90d).
    "retention.y": "{n} tahun",
    "retention.m": "{n} bulan",
    "retention.d": "{n} hari",
}

CLI_TEXTS: dict[str, str] = {
    "cli.purge_bad_period": "--older-than {value}: tulis angka lalu y (tahun), m (bulan) atau d (hari), mis. 2y.",
    "cli.purge_summary": "Data pribadi sebelum {cutoff}: {answers} jawaban undangan (alasan, wakil), {history} riwayat jawaban, {reports} laporan (pelapor, pemeriksa), {evidence} berkas bukti, {messages} pesan terkirim yang mengutip alasan, {requests} permintaan pendaftaran yang sudah diputus.",
    "cli.purge_dry_run": "Uji coba (--dry-run): tidak ada yang diubah atau dihapus.",
    "cli.purge_done": "Selesai: data di atas dianonimkan dan berkas buktinya dihapus.",
    "cli.audit_bad_date": "--since {value}: tulis tanggal TTTT-BB-HH, mis. 2026-01-31.",
    "cli.audit_empty": "Belum ada catatan.",
    "cli.audit_line": "{when}\t{who}\t{what}\t{target}\t{people} orang",
    "cli.audit_actor": "admin #{id} {name} ({via})",
    "cli.audit_person": "orang #{id} ({via})",
    "cli.audit_via.chat": "obrolan",
    "cli.audit_via.console": "konsol",
    "cli.audit_via.cli": "baris perintah",
    "cli.audit_act.export_attendance": "unduh daftar hadir",
    "cli.audit_act.export_actions": "unduh tindak lanjut dan laporan",
    "cli.audit_act.broadcast": "kirim siaran",
    "cli.audit_act.registration_approve": "setujui pendaftaran",
    "cli.audit_act.registration_reject": "tolak pendaftaran",
    "cli.audit_act.admin_add": "jadikan admin",
    "cli.audit_act.meeting_create": "buat rapat",
    "cli.audit_act.meeting_move": "pindah jadwal rapat",
    "cli.audit_act.meeting_cancel": "batalkan rapat",
    "cli.audit_act.report_accept": "terima laporan",
    "cli.audit_act.report_return": "kembalikan laporan",
    "cli.audit_act.erasure": "hapus data sendiri (/hapusdata)",
    "cli.audit_act.purge": "bersihkan data lama",
}
