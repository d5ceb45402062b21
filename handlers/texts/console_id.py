"""The console's texts, Indonesian (plain text: the pages escape them)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "konsol.name": "Konsol Sekretariat",
    "konsol.sign_out": "Keluar",
    "konsol.sign_in_title": "Masuk ke konsol",
    "konsol.sign_in_text": "Tautan ini hanya untuk Anda dan hanya dapat dipakai sekali. Tekan Masuk untuk membuka konsol.",
    "konsol.sign_in": "Masuk",
    "konsol.refused_title": "Tidak dapat masuk",
    "konsol.refused.unknown": "Tautan ini tidak dikenal. Kirim /konsol ke bot untuk mendapat tautan baru.",
    "konsol.refused.used": "Tautan ini sudah dipakai. Kirim /konsol ke bot untuk mendapat tautan baru.",
    "konsol.refused.expired": "Tautan ini sudah kedaluwarsa (berlaku 10 menit). Kirim /konsol ke bot untuk mendapat tautan baru.",
    "konsol.refused.not_admin": "Konsol hanya untuk admin sekretariat.",
    "konsol.too_many": "Terlalu banyak percobaan masuk. Mohon coba lagi satu menit lagi.",
    "konsol.not_signed_in": "Anda belum masuk, atau sesi sudah berakhir. Kirim /konsol ke bot untuk mendapat tautan masuk.",
    "konsol.signed_out_title": "Sudah keluar",
    "konsol.signed_out": "Anda sudah keluar dari konsol.",
    "konsol.home": "Beranda",
    "konsol.meetings": "Rapat mendatang",
    "konsol.no_meetings": "Belum ada rapat terjadwal.",
    "konsol.funnel.invited": "Diundang {count}",
    "konsol.funnel.delivered": "Terkirim {count}",
    "konsol.funnel.answered": "Menjawab {count}",
    "konsol.funnel.checked_in": "Hadir {count}",
    "konsol.overdue": "Tindak lanjut lewat tenggat",
    "konsol.overdue_count": "{count} tindak lanjut",
    "konsol.no_overdue": "Tidak ada yang lewat tenggat.",
    "konsol.requests": "Pendaftaran menunggu persetujuan",
    "konsol.no_requests": "Tidak ada permintaan yang menunggu.",
    "konsol.link": "Tautan masuk konsol sekretariat (berlaku 10 menit, sekali pakai):\n{url}",
    "konsol.not_configured": "Konsol belum diaktifkan di server (POKJANAL_PUBLIC_URL belum diatur). Mohon hubungi pengelola server.",
}
CLI_TEXTS: dict[str, str] = {}
