"""Indonesian texts of the follow-up actions: /rtlbaru, /tindaklanjut, notices and nudges."""

TEXTS: dict[str, str] = {
    "nudge.bundle_more": "… dan {count} lainnya: /tindaklanjut dan /undangan",
    "help.rtl": "\n/tindaklanjut — laporkan tindak lanjut (RTL) instansi/Posyandu saya",
    "rtl.evidence_caption": "📎 Bukti {number}/{count} — tindak lanjut #{id}: <b>{title}</b>\nDilaporkan oleh {reporter}, {when}",
    "help.rtl_status": "\n/statusrtl — status tindak lanjut instansi/Posyandu saya",
    "help.admin_rtl": (
        "\n/rtlbaru — catat tindak lanjut rapat\n/statusrtl — status tindak lanjut per instansi"
    ),
    "cmd.tindaklanjut": "Lapor tindak lanjut (RTL)",
    "cmd.rtlbaru": "Tindak lanjut baru (admin)",
    "rtl.status.belum_mulai": "Belum mulai",
    "rtl.status.sedang_berjalan": "Sedang berjalan",
    "rtl.status.selesai": "Selesai",
    "rtl.status.terkendala": "Terkendala",
    "rtl.status.selesai_pending": "Selesai (menunggu pemeriksaan)",
    "rtl.status.selesai_accepted": "Selesai (diterima)",
    "rtl.status.returned": "Dikembalikan, dikerjakan lagi",
    "rtl.card": ("📌 <b>{title}</b>\nPenanggung jawab: {owner}\nTenggat: {due}\nStatus: {status}"),
    "rtl.card_overdue": "\n⚠️ Lewat tenggat {days} hari",
    "rtl.card_detail": "\nKeterangan: {detail}",
    "rtl.card_meeting": "\nDari rapat: {meeting}",
    "rtl.report_button": "Lapor: {title}",
    "rtl.nudge.before": "Tindak lanjut <b>{title}</b> ({owner}) bertenggat {due}",
    "rtl.nudge.due": "Tindak lanjut <b>{title}</b> ({owner}) bertenggat <b>hari ini</b>",
    "rtl.nudge.overdue": (
        "Tindak lanjut <b>{title}</b> ({owner}) lewat tenggat {days} hari (tenggat {due})"
    ),
    "rtl.report_summary": (
        "Dilaporkan oleh: {reporter}\nStatus: {status}\nCatatan: {note}\nBukti: {files} berkas"
    ),
    "rtl.assigned": "Yth. Bapak/Ibu, ada tindak lanjut untuk instansi/Posyandu Anda. Mohon laporkan perkembangannya dengan tombol di bawah atau /tindaklanjut.",
    "rtl.escalation": (
        "⚠️ <b>Tindak lanjut belum dilaporkan</b> meski sudah dua kali diingatkan "
        "setelah tenggat. Mohon bantu menghubungi penanggung jawabnya."
    ),
    "rtl.escalation_list": (
        "⚠️ <b>{count} tindak lanjut lewat tenggat belum dilaporkan.</b> "
        "Mohon bantu menghubungi penanggung jawabnya:"
    ),
    "rtl.escalation_item": "• <b>{title}</b> — {owner}, tenggat {due}, lewat {days} hari",
    "rtl.escalation_item_unreachable": " (belum ada yang terdaftar di bot)",
    "rtl.escalation_more": "… dan {count} lainnya: /statusrtl",
    "rtl.review": "<b>Laporan Selesai menunggu pemeriksaan Bapak/Ibu</b>",
    "rtl.accept": "✅ Terima",
    "rtl.return": "↩️ Kembalikan",
    "rtl.show_evidence": "Lihat bukti",
    "rtl.verdict.accepted": "✅ Laporan Selesai Anda <b>diterima</b> sekretariat. Terima kasih.",
    "rtl.verdict.returned": (
        "↩️ Laporan Selesai Anda <b>dikembalikan</b> sekretariat. Catatan: {comment}\n"
        "Tindak lanjut ini dibuka lagi; mohon laporkan kembali bila sudah dilengkapi."
    ),
    "rtl.carry_over": "📌 Tindak lanjut rapat sebelumnya: {count} belum selesai ({overdue} lewat tenggat).",
    "rtl.carry_over_mine": " {mine} di antaranya milik instansi/Posyandu Anda: /tindaklanjut",
    "rtl.carry_over_item": "• <b>{title}</b> — {owner}, tenggat {due}: {status}",
    "rtl.carry_over_header": "\n<b>Tindak lanjut rapat sebelumnya</b> ({count} belum selesai)",
    "rtl.overdue_mark": " ⚠️",
    "rtl.created_one": "Tersimpan: <b>{title}</b> untuk {owner}. Penanggung jawab diberi tahu.",
    "rtl.created_many": (
        "Tersimpan: <b>{title}</b> untuk {group} — {count} tindak lanjut, satu per instansi. "
        "Masing-masing diberi tahu."
    ),
    "rtl.none_mine": "Tidak ada tindak lanjut terbuka untuk instansi/Posyandu Anda. Terima kasih.",
    "rtl.pick": "<b>{count} tindak lanjut terbuka</b> — pilih yang akan dilaporkan:",
    "rtl.draft_expired": (
        "Laporan tindak lanjut <b>{title}</b> belum terkirim dan sudah kedaluwarsa (24 jam "
        "tanpa jawaban). Silakan mulai lagi dengan /tindaklanjut."
    ),
    "rtl.exists": (
        "Tindak lanjut <b>{title}</b> untuk {owner} sudah ada (status: {status}); "
        "tidak dibuat lagi."
    ),
    "rtl.draft_replaced": "Catatan: tindak lanjut yang sedang Anda tulis (/rtlbaru) dibatalkan.",
    "rtl.escalation_unreachable": (
        "⚠️ <b>Tindak lanjut lewat tenggat, dan penanggung jawabnya belum bisa dihubungi</b> "
        "lewat bot (belum ada yang terdaftar). Mohon bantu menghubunginya."
    ),
    "rtl.invalid.note_first": "Tulis catatannya dulu; foto atau dokumen dikirim sesudahnya.",
    "rtl.next_page": "Berikutnya ({page}/{pages})",
    "rtl.page": " — halaman {page} dari {pages}",
    "rtl.list_line": "{number}. <b>{title}</b>\n    Tenggat {due} · {status}{late}",
    "rtl.report_button_numbered": "{number}. {title}",
    "rtl.action_draft_expired": (
        "Tindak lanjut yang Anda tulis dengan /rtlbaru belum tersimpan dan sudah kedaluwarsa "
        "(24 jam tanpa jawaban). Silakan mulai lagi dengan /rtlbaru."
    ),
    "rtl.return_expired": (
        "Pengembalian laporan belum terkirim dan sudah kedaluwarsa (24 jam tanpa alasan). "
        "Laporan masih menunggu pemeriksaan: tekan Kembalikan lagi bila perlu."
    ),
    "rtl.cancelled": "Dibatalkan. Tidak ada yang disimpan.",
    "rtl.ask.status": "Bagaimana statusnya sekarang?",
    "rtl.ask.note": "Tulis catatan singkat (apa yang sudah dikerjakan), atau tekan Lewati.",
    "rtl.ask.note_required": (
        "Tulis catatan singkat: apa yang sudah dikerjakan, atau apa kendalanya (wajib)."
    ),
    "rtl.ask.evidence": (
        "Kirim foto atau dokumen (PDF, Word, Excel) sebagai bukti — boleh beberapa. "
        "Tekan Lewati bila tidak ada."
    ),
    "rtl.skip": "Lewati",
    "rtl.report_cancel": "✖ Batalkan laporan",
    "rtl.cancel": "Batal",
    "rtl.send": "Kirim laporan",
    "rtl.save": "Simpan",
    "rtl.preview": (
        "<b>Periksa laporan Anda</b>\nTindak lanjut: {title}\nStatus: {status}\n"
        "Catatan: {note}\nBukti: {files} berkas"
    ),
    "rtl.sent": "Terima kasih, laporan tersimpan.",
    "rtl.sent_selesai": (
        "Terima kasih, laporan Selesai tersimpan dan menunggu pemeriksaan sekretariat."
    ),
    "rtl.evidence_added": "Bukti ke-{count} tersimpan. Kirim lagi, atau tekan Cukup, lanjut.",
    "rtl.evidence_done": "Cukup, lanjut ({count})",
    "rtl.ask.meeting": "Tindak lanjut dari rapat mana?",
    "rtl.no_meeting": "Tanpa rapat",
    "rtl.ask.title": "Apa tindak lanjutnya? (satu kalimat, mis. Pendataan ulang Posyandu aktif)",
    "rtl.ask.owner": (
        "Siapa penanggung jawabnya? Ketik sebagian namanya, mis. Dinas Kesehatan, Malili, "
        "Posyandu Melati, atau Camat se-Kabupaten."
    ),
    "rtl.ask.owner_pick": "Pilih penanggung jawab:",
    "rtl.ask.due": "Tenggatnya kapan? (mis. {example}, {example_named}, besok)",
    "rtl.ask.return_comment": "Tulis alasan pengembalian (apa yang perlu dilengkapi):",
    "rtl.owner_group": "{group} ({count} organisasi)",
    "rtl.preview_action": (
        "<b>Periksa tindak lanjut</b>\n{title}\nPenanggung jawab: {owner}\nTenggat: {due}\n"
        "Rapat: {meeting}"
    ),
    "rtl.accepted_ok": "Laporan diterima. Pelapor dan penanggung jawab diberi tahu.",
    "rtl.returned_ok": "Laporan dikembalikan; tindak lanjut dibuka lagi dan pelapor diberi tahu.",
    "rtl.invalid.title": "Tindak lanjut perlu 3–300 huruf.",
    "rtl.invalid.detail": "Keterangan terlalu panjang (paling banyak 2000 huruf).",
    "rtl.invalid.owner_not_found": "Tidak ditemukan. Coba ketik bagian lain dari namanya.",
    "rtl.invalid.unknown_owner": "Penanggung jawab tidak dikenal.",
    "rtl.invalid.due": "Tanggal tidak terbaca. Contoh: {example} atau {example_named}.",
    "rtl.invalid.due_before_meeting": "Tenggat tidak boleh sebelum tanggal rapatnya ({value}).",
    "rtl.invalid.due_in_past": "Tenggat tidak boleh sebelum hari ini ({value}).",
    "rtl.invalid.unknown_meeting": "Rapat itu tidak ditemukan.",
    "rtl.invalid.comment": "Alasan pengembalian perlu 3–500 huruf.",
    "rtl.invalid.already_checked": "Laporan ini sudah diperiksa.",
    "rtl.invalid.gone": "Tindak lanjut ini tidak ditemukan lagi.",
    "rtl.invalid.not_admin": "Maaf, hanya admin sekretariat yang memeriksa laporan.",
    "rtl.invalid.not_yours": "Maaf, tindak lanjut ini bukan milik instansi/Posyandu Anda.",
    "rtl.invalid.done": "Tindak lanjut ini sudah dilaporkan Selesai.",
    "rtl.invalid.status": "Pilih salah satu status dengan tombol.",
    "rtl.invalid.use_buttons": "Mohon pilih dengan tombol.",
    "rtl.invalid.stale": "Tombol ini sudah tidak berlaku.",
    "rtl.invalid.note_required": "Catatan wajib untuk Selesai dan Terkendala (paling sedikit 5 huruf).",
    "rtl.invalid.note_short": "Catatan terlalu pendek (paling sedikit 5 huruf).",
    "rtl.invalid.note_long": "Catatan terlalu panjang (paling banyak 1000 huruf).",
    "rtl.invalid.evidence_text": "Sekarang kirim foto atau dokumen sebagai bukti, atau tekan Lewati / Cukup, lanjut.",
    "rtl.invalid.file_type": (
        "Berkas ini tidak bisa dipakai sebagai bukti. Kirim foto, atau dokumen PDF, Word atau "
        "Excel — atau tekan Lewati."
    ),
    "rtl.invalid.file_size": "Berkas terlalu besar (paling besar {limit}). Kirim foto biasa (bukan sebagai file) atau dokumen yang lebih kecil.",
    "rtl.invalid.file_failed": "Berkas gagal diterima (sinyal?). Mohon kirim sekali lagi.",
    "rtl.invalid.too_many_files": "Sudah 5 bukti — cukup. Tekan Cukup, lanjut.",
}
CLI_TEXTS: dict[str, str] = {}
