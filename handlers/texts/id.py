"""Indonesian texts (the default language). Polite forms: Bapak/Ibu, Mohon, Terima kasih."""

TEXTS: dict[str, str] = {
    # --- registration -------------------------------------------------------------------
    "privacy.notice": (
        "Selamat datang di <b>Asisten {body}</b>.\n\n"
        "Sebelum mendaftar, mohon baca pemberitahuan privasi ini:\n"
        "• <b>Tujuan</b>: mengirim undangan rapat, mencatat kehadiran, dan tindak lanjut rapat.\n"
        "• <b>Data yang disimpan</b>: nama, nomor HP, akun Telegram/WhatsApp, peran, instansi/Posyandu, "
        "jawaban undangan dan kehadiran. Tidak ada data anak atau data kesehatan.\n"
        "• <b>Lama penyimpanan</b>: selama Bapak/Ibu aktif. Daftar hadir disimpan sebagai arsip "
        "keuangan (SPJ); nomor HP dan akun Telegram/WhatsApp dihapus bila Bapak/Ibu berhenti atau "
        "memintanya. Alasan tidak hadir, data wakil, nama pelapor dan berkas bukti dihapus "
        "setelah {retention}.\n"
        "• <b>Bila data dihapus</b>: laporan tindak lanjut yang sudah dikirim tetap disimpan sebagai "
        'arsip instansi/Posyandu, dengan pelapor tertulis "(dihapus)".\n'
        "• <b>Hak Bapak/Ibu</b> (UU 27/2022): melihat data (/dataku), mengubah bahasa (/profil), "
        "dan menghapus data (/hapusdata) kapan saja.\n\n"
        "Apakah Bapak/Ibu setuju?"
    ),
    "privacy.agree": "Setuju",
    "privacy.decline": "Tidak setuju",
    "privacy.declined": (
        "Baik, tidak ada data yang disimpan. Bila berubah pikiran, kirim /start kapan saja."
    ),
    "privacy.recorded": "Terima kasih, persetujuan Bapak/Ibu sudah dicatat.",
    "register.ask_contact": (
        "Mohon tekan tombol <b>Bagikan nomor HP</b> di bawah ini agar kami dapat mencocokkan "
        "nomor Bapak/Ibu dengan daftar peserta."
    ),
    "register.contact_button": "Bagikan nomor HP",
    "register.not_own_contact": (
        "Maaf, kontak itu bukan nomor akun Telegram Bapak/Ibu sendiri. Mohon tekan tombol "
        "<b>Bagikan nomor HP</b> di bawah, jangan meneruskan kartu kontak orang lain."
    ),
    "register.bad_phone": (
        "Maaf, nomor HP itu tidak dapat dibaca. Mohon hubungi sekretariat {body}."
    ),
    "register.linked": (
        "Terima kasih, <b>{name}</b>. Akun Anda sudah terhubung sebagai {role} — {organization}.\n"
        "Undangan rapat dan pengingat akan dikirim ke sini. Ketik /bantuan untuk melihat perintah."
    ),
    "register.already": (
        "Bapak/Ibu sudah terdaftar sebagai <b>{name}</b> ({role}). Ketik /bantuan untuk melihat "
        "perintah."
    ),
    "register.ask_details": (
        "Nomor {phone} belum ada di daftar peserta {body}.\n"
        "Mohon tulis <b>nama lengkap dan instansi/Posyandu</b> Bapak/Ibu, misalnya:\n"
        "<i>Sitti Aminah, Posyandu Melati Baruga</i>\n\nKetik /batal untuk membatalkan."
    ),
    "register.details_invalid": (
        "Mohon tulis nama lengkap dan instansi/Posyandu dalam 3 sampai 300 huruf, misalnya: "
        "<i>Sitti Aminah, Posyandu Melati Baruga</i>. Ketik /batal untuk membatalkan."
    ),
    "register.wait_admin": (
        "Terima kasih. Permintaan pendaftaran Bapak/Ibu sudah dikirim ke sekretariat. "
        "Kami akan memberi kabar setelah disetujui."
    ),
    "register.still_pending": (
        "Permintaan pendaftaran Bapak/Ibu masih menunggu persetujuan sekretariat. Mohon ditunggu."
    ),
    "register.no_admin_yet": (
        "Catatan: belum ada admin yang terhubung ke bot. Mohon hubungi sekretariat {body}."
    ),
    "register.invalid_token": (
        "Tautan pendaftaran ini tidak berlaku. Mohon daftar dengan membagikan nomor HP."
    ),
    "register.token_taken": (
        "Tautan ini sudah dipakai oleh akun Telegram lain. Mohon hubungi sekretariat {body}."
    ),
    "register.account_taken": (
        "Akun Telegram ini sudah terdaftar sebagai <b>{name}</b>. Tautan untuk orang lain tidak "
        "dapat dipakai di sini. Bila ada yang keliru, mohon hubungi sekretariat {body}."
    ),
    "register.rejected_recently": (
        "Permintaan pendaftaran Bapak/Ibu baru saja ditolak sekretariat. Mohon hubungi sekretariat "
        "{body} secara langsung."
    ),
    "register.approved": (
        "Pendaftaran Bapak/Ibu <b>disetujui</b>. Selamat bergabung, {name}! "
        "Ketik /bantuan untuk melihat perintah."
    ),
    "register.rejected": (
        "Maaf, pendaftaran Bapak/Ibu <b>tidak disetujui</b> oleh sekretariat. Bila ini keliru, "
        "mohon hubungi sekretariat {body}."
    ),
    "register.cancelled": "Pendaftaran dibatalkan. Kirim /start untuk memulai lagi.",
    "register.prompt": ("Bapak/Ibu belum terdaftar. Kirim /start untuk mendaftar dengan nomor HP."),
    # --- admin decisions on requests -----------------------------------------------------
    "admin.request": (
        "<b>Permintaan pendaftaran baru</b>\n"
        "Nama di Telegram: {contact_name}\n"
        "Nomor HP: {phone}\n"
        "Keterangan: {details}\n"
        "Organisasi: {organization}\n\n"
        "Nomor ini tidak ada di daftar peserta. Setujui sebagai kader atau OPD, atau tolak?"
    ),
    "admin.approve_kader": "Setujui (kader)",
    "admin.approve_opd": "Setujui (OPD)",
    "admin.reject": "Tolak",
    "admin.request_approved": "✅ Disetujui oleh {admin} sebagai {role} — {organization}.",
    "admin.request_org_unknown": (
        "belum dikenali (tidak cocok dengan daftar organisasi; lengkapi lewat roster setelah "
        "disetujui)"
    ),
    "admin.request_no_org": "tanpa organisasi (lengkapi lewat roster)",
    "admin.request_rejected": "❌ Ditolak oleh {admin}.",
    "admin.request_already": "Permintaan ini sudah diputuskan oleh {admin}.",
    "admin.request_gone": "Permintaan ini tidak ditemukan lagi.",
    "admin.only": "Maaf, perintah ini hanya untuk admin sekretariat.",
    # --- profile and language --------------------------------------------------------------
    "profile.show": (
        "<b>Profil Anda</b>\n"
        "Nama: {name}\n"
        "Nomor HP: {phone}\n"
        "Peran: {role}\n"
        "Instansi: {organization}\n"
        "Jabatan: {position}\n"
        "Bahasa: {language}\n\n"
        "Pilih bahasa di bawah ini."
    ),
    "profile.language_set": "Bahasa diubah ke Bahasa Indonesia.",
    "profile.language_same": "Bahasa Anda sudah Bahasa Indonesia.",
    "language.id": "Bahasa Indonesia",
    "language.en": "English",
    "role.kader": "kader",
    "role.opd": "OPD",
    "role.admin": "admin sekretariat",
    "org.none": "(belum ada)",
    "value.empty": "-",
    "org.kecamatan": "Kecamatan {name}",
    "org.desa": "Desa {name}",
    "org.named": "{name}",
    # --- my data and erasure ---------------------------------------------------------------
    "mydata.show": (
        "<b>Data Anda yang kami simpan</b>\n"
        "Nama: {name}\n"
        "Nomor HP: {phone}\n"
        "Akun Telegram: {telegram_id}\n"
        "Nomor WhatsApp: {whatsapp}\n"
        "Peran: {role}\n"
        "Instansi: {organization}\n"
        "Jabatan: {position}\n"
        "Bahasa: {language}\n"
        "Terdaftar: {registered_at}\n"
        "Persetujuan privasi: {consent_at} (versi {consent_version})"
    ),
    "mydata.request": "\nPermintaan pendaftaran {when}: {details} (nama di Telegram: {contact_name}; status: {status})",
    "mydata.request_status.awaiting_details": "menunggu keterangan Anda",
    "mydata.request_status.pending": "menunggu persetujuan admin",
    "mydata.request_status.approved": "disetujui",
    "mydata.request_status.rejected": "ditolak",
    "mydata.request_status.cancelled": "dibatalkan",
    "mydata.consent": "\nPersetujuan privasi {when} (versi {version})",
    "mydata.answers": "\n\n<b>Jawaban undangan</b>",
    "mydata.answer": "\n• {title} ({when}): {answer}",
    "mydata.rep_phone": ", HP {phone}",
    "mydata.history": "\n   – {when}: {answer}",
    "mydata.reports": "\n\n<b>Laporan tindak lanjut yang Anda kirim</b> (tetap disimpan sebagai arsip instansi Anda bila data Anda dihapus)",
    "mydata.report": "\n• {when}: {title} — {status}: {note}",
    "mydata.requests": "\n\n<b>Permintaan pendaftaran</b>",
    "rtl.reporter_erased": "(dihapus)",
    "erase.confirm": (
        "Hapus data pribadi Anda? Nama, nomor HP dan akun Telegram akan dihapus dan Anda tidak "
        "akan menerima pesan lagi. Catatan kehadiran yang sudah masuk SPJ tetap disimpan tanpa "
        "nama. Tindakan ini tidak dapat dibatalkan."
    ),
    "erase.yes": "Ya, hapus data saya",
    "erase.no": "Tidak jadi",
    "erase.done": "Data pribadi Anda sudah dihapus. Terima kasih.",
    "erase.kept": "Baik, data Anda tidak dihapus.",
    # --- common ------------------------------------------------------------------------------
    "help.everyone": (
        "<b>Perintah</b>\n"
        "/profil — profil dan bahasa\n"
        "/dataku — data saya yang disimpan\n"
        "/hapusdata — hapus data saya\n"
        "/batal — batalkan langkah yang sedang berjalan\n"
        "/bantuan — bantuan ini"
    ),
    "help.admin": (
        "\n\n<b>Admin</b>\n"
        "Permintaan pendaftaran nomor baru dikirim ke sini dengan tombol Setujui/Tolak."
    ),
    "cancel.done": "Dibatalkan.",
    "conversation.ended": "Catatan: {what} yang belum selesai dihentikan, karena hanya satu langkah yang dapat berjalan sekaligus.",
    "conversation.broadcast": "penulisan siaran (/siaran)",
    "conversation.meeting": "pengisian rapat (/rapatbaru, /notulen atau /pindahrapat)",
    "conversation.action": "penulisan tindak lanjut (/rtlbaru atau komentar pengembalian)",
    "conversation.report": "laporan tindak lanjut (/tindaklanjut)",
    "conversation.answer": "jawaban undangan (nama wakil atau alasan)",
    "cancel.nothing": "Tidak ada langkah yang sedang berjalan.",
    "fallback.unknown": "Maaf, saya belum mengerti pesan itu. Ketik /bantuan untuk melihat perintah.",
    "button.expired": "Tombol ini sudah tidak berlaku.",
    "wa.list_button": "Pilih",
    "wa.continued": "(lanjutan {index}/{total})",
    "wa.help": (
        "<b>Yang dapat Anda ketik</b>\n"
        "UNDANGAN — undangan rapat saya\n"
        "HADIR KODE — catat kehadiran saat tiba di rapat (kode dari panitia)\n"
        "TINDAKLANJUT — laporkan tindak lanjut rapat\n"
        "PROFIL — profil dan bahasa\n"
        "DATAKU — data saya yang disimpan\n"
        "HAPUSDATA — hapus data saya\n"
        "BATAL — batalkan langkah yang sedang berjalan\n"
        "BANTUAN — bantuan ini\n\n"
        "Jawab undangan dengan tombolnya, atau ketik: HADIR, WAKIL nama, atau TIDAK alasan."
    ),
    "wa.unknown": "Maaf, saya belum mengerti pesan itu. Ketik BANTUAN untuk melihat yang dapat Anda ketik.",
    "error.internal": "Maaf, terjadi gangguan. Mohon coba lagi sebentar lagi.",
    # --- bot command menu (setMyCommands) ----------------------------------------------------
    "cmd.start": "Daftar / mulai",
    "cmd.profil": "Profil dan bahasa",
    "cmd.dataku": "Data saya",
    "cmd.hapusdata": "Hapus data saya",
    "cmd.bantuan": "Bantuan",
    "cmd.batal": "Batalkan langkah",
}

# Command-line texts (printed, not sent: no HTML). Kept here so the CLI speaks the same languages.
CLI_TEXTS: dict[str, str] = {
    "cli.settings_error": "Pengaturan salah: {error}",
    "cli.db_upgraded": "Basis data {url} sudah versi terbaru.",
    "cli.import_reading": "Membaca {path} …",
    "cli.import_progress": "{path}: {done} dari {total} baris …",
    "cli.import_unreadable": "Berkas tidak dapat dibaca: {error}",
    "cli.table_too_large.rows": "{name} berisi lebih dari {limit} baris; paling banyak {limit} baris sekali impor. Bagi menjadi beberapa berkas (misalnya per kecamatan), atau hapus baris kosong di bawah tabel.",
    "cli.table_too_large.columns": "{name} berisi lebih dari {limit} kolom. Sisakan kolom tabelnya saja, lalu coba lagi.",
    "cli.table_too_large.cell": "{name}, baris {row}: satu sel berisi lebih dari {limit} huruf. Periksa sel itu (mungkin tertempel teks yang sangat panjang), lalu coba lagi.",
    "cli.table_too_large.bytes": "{name} lebih besar dari {limit} MB. Bagi menjadi beberapa berkas, lalu coba lagi.",
    "cli.import_missing_columns": "Kolom wajib tidak ditemukan: {columns}. Kolom yang dikenali: nama/name, telepon/no_hp/hp/phone, peran/role, instansi/organisasi, jabatan, kecamatan, desa/kelurahan, posyandu.",
    "cli.import_summary": "{total} baris: {created} baru, {updated} diperbarui, {unchanged} tidak berubah, {rejected} ditolak.",
    "cli.import_dry_run": "Uji coba (--dry-run): tidak ada yang disimpan.",
    "cli.import_saved": "Tersimpan.",
    "cli.row_error": "Baris {row}: {reason}",
    "cli.reason.bad_phone": "nomor HP tidak valid ({value})",
    "cli.reason.missing_phone": "nomor HP kosong",
    "cli.reason.missing_name": "nama kosong",
    "cli.reason.name_too_long": "nama terlalu panjang ({value}…)",
    "cli.reason.unknown_role": "peran tidak dikenal ({value}); gunakan kader, opd atau admin",
    "cli.reason.duplicate": "nomor HP sama dengan baris {value}",
    "cli.reason.erased": "orang ini sudah meminta datanya dihapus; tidak diimpor lagi",
    "cli.database_error": "POKJANAL_DATABASE_URL: basis data {url} tidak dapat dibuka: {reason}",
    "cli.bad_token": "POKJANAL_TELEGRAM_TOKEN ditolak oleh server Bot API: periksa token dari @BotFather.",
    "cli.network_error": "POKJANAL_TELEGRAM_API_URL: server Bot API di {url} tidak dapat dihubungi ({reason}).",
    "cli.port_busy": "Alamat {host}:{port} sedang dipakai program lain: pilih yang lain dengan --port.",
    "cli.meeting_bad_time": "{option}: '{value}' bukan waktu 'TTTT-BB-HH JJ:MM', misalnya '{example} 09:00'.",
    "cli.meeting_bad_zone": "Zona waktu tidak dikenal: {zone}. Gunakan Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT).",
    "cli.meeting_created": "Rapat #{id} dibuat. Undangan: {reach}. Kode hadir: {code}",
    "cli.meeting_error.title": "Judul rapat harus berisi 1 sampai 200 huruf.",
    "cli.meeting_error.venue": "Tempat rapat harus berisi 1 sampai 200 huruf.",
    "cli.meeting_error.agenda": "Acara rapat paling banyak 2000 huruf.",
    "cli.meeting_error.start_in_past": "Waktu mulai sudah lewat.",
    "cli.meeting_error.end_before_start": "Waktu selesai harus sesudah waktu mulai.",
    "cli.meeting_error.deadline": "Batas konfirmasi harus sesudah sekarang dan tidak sesudah waktu mulai.",
    "cli.meeting_unknown": "Rapat #{id} tidak ada. Lihat daftarnya dengan: pokjanal meeting list",
    "cli.meeting_cancelled": "Rapat #{id} dibatalkan; {count} pemberitahuan diantrekan.",
    "cli.meeting_moved": "Rapat #{id} dipindahkan; {count} undangan baru diantrekan.",
    "cli.meeting_error.not_scheduled": "Rapat ini sudah dibatalkan atau selesai.",
    "cli.qr_needs_username": "Atur POKJANAL_BOT_USERNAME (nama bot tanpa @) agar tautan QR dapat dibuat.",
    "cli.qr_write_error": "Berkas {path} tidak dapat ditulis: {reason}",
    "cli.qr_saved": "Kode QR tersimpan di {path} ({link}).",
    "cli.wa_needs_number": "Atur POKJANAL_WHATSAPP_NUMBER (nomor WhatsApp bot, mis. 6281100001001) agar tautannya dapat dibuat.",
    "cli.wa_qr_saved": "{name}: kode QR tersimpan di {path}.",
    "cli.checkin.checked_in": "{name} tercatat hadir di rapat #{id}.",
    "cli.checkin.walk_in": "{name} tercatat hadir di rapat #{id} sebagai peserta tanpa undangan.",
    "cli.checkin.already": "{name} sudah tercatat hadir di rapat #{id}.",
    "cli.checkin.too_early": "Pencatatan kehadiran rapat #{id} belum dibuka.",
    "cli.checkin.too_late": "Pencatatan kehadiran rapat #{id} sudah ditutup.",
    "cli.checkin.cancelled": "Rapat #{id} dibatalkan.",
    "cli.checkin.unknown_code": "Rapat #{id} tidak ada.",
    "cli.meeting_error.already_started": "Rapat ini sudah dimulai; tutup dengan notulen, bukan dibatalkan.",
    "cli.admin_added": "{name} ({phone}) sekarang admin.",
    "cli.admin_not_found": "Nomor {phone} tidak ada di daftar. Impor roster dulu, atau beri --name.",
    "cli.bad_phone": "Nomor HP tidak valid: {phone}",
    "cli.links_header": "Tautan pendaftaran sekali ketuk (bagikan hanya kepada orangnya):",
    "cli.links_no_username": "Atur POKJANAL_BOT_USERNAME agar tautan lengkap dapat dicetak; di bawah ini token /start.",
    "cli.token_missing": "{error}",
    "cli.health_inbox": "Pesan masuk: {pending} menunggu diproses, {failed} gagal ({recent} dalam 24 jam terakhir).",
    "cli.health_failed_update": "  gagal {when} {update}: {error}",
    "cli.health_outbox": "Pesan keluar: {pending} dalam antrean, {failed} gagal, {unreachable} tidak terjangkau.",
    "cli.health_db_ok": "Basis data: terhubung ({url}).",
    "cli.health_db_missing": "Basis data: TIDAK terhubung ({url}): berkas {path} tidak ada.",
    "cli.health_db_down": "Basis data: TIDAK terhubung ({url}): {reason}",
    "cli.health_migrations_ok": "Migrasi: terbaru.",
    "cli.health_migrations_behind": "Migrasi: BELUM terbaru; jalankan pokjanal db upgrade (atau mulai ulang bot).",
    "cli.health_dispatcher_ok": "Pengirim: hidup, detak terakhir {ago} lalu, keterlambatan {lag}.",
    "cli.health_dispatcher_lagging": "Pengirim: hidup, detak terakhir {ago} lalu, tetapi TERLAMBAT {lag}.",
    "cli.health_dispatcher_down": "Pengirim: TIDAK berjalan, detak terakhir {ago} lalu.",
    "cli.health_dispatcher_never": "Pengirim: TIDAK berjalan (belum pernah berdetak; apakah pokjanal run berjalan?).",
    "cli.health_last_update": "Update terakhir diproses: {when}.",
    "cli.health_last_update_none": "Update terakhir diproses: belum ada.",
    "cli.duration_seconds": "{n} detik",
    "cli.duration_minutes": "{n} menit",
    "cli.duration_hours": "{n} jam",
    "cli.duration_days": "{n} hari",
    "cli.backup_saved": "Cadangan tersimpan: {path} ({size} KB).",
    "cli.backup_missing": "Basis data {path} tidak ada; tidak ada yang dicadangkan.",
    "cli.backup_failed": "Cadangan gagal: {reason}",
    "cli.backup_postgres": "PostgreSQL dicadangkan dengan pg_dump, bukan dengan perintah ini. Jalankan (kata sandi dari ~/.pgpass atau PGPASSWORD):\n{command}",
    "cli.demo_ready": "Demo berjalan. Buka {url} di peramban: pilih seseorang lalu kirim /start.\nMulailah dengan admin ({admin}) agar permintaan pendaftaran nomor baru dapat disetujui.\nTekan Ctrl+C untuk berhenti.",
    "cli.demo_console": "Buka konsol (admin)",
    "cli.demo_hour": "Maju 1 jam",
    "cli.demo_day": "Maju 1 hari",
    "cli.demo_clock": "Jam demo: {when}",
    "cli.demo_moved": "Jam demo kini {when}; {count} pesan baru diantrekan (pengingat, tagihan, eskalasi).",
    "cli.demo_stopped": "Demo berhenti.",
    "cli.run_starting": "Bot berjalan ({mode}). Tekan Ctrl+C untuk berhenti.",
}

TEXTS.update(
    {
        # --- delivery engine ---------------------------------------------------------------
        "broadcast.message": "📢 <b>Siaran {body}</b>\n\n{text}",
        "nudge.bundle_header": "<b>{count} hal menunggu tindakan Bapak/Ibu</b>",
        # --- /siaran -----------------------------------------------------------------------
        "siaran.choose_audience": "<b>Siaran</b>: kepada siapa pesan ini dikirim?",
        "siaran.aud_all": "Semua",
        "siaran.aud_kader": "Semua kader",
        "siaran.aud_opd": "Semua OPD",
        "siaran.aud_admin": "Admin",
        "siaran.aud_kecamatan": "Per kecamatan…",
        "siaran.aud_org": "Cari instansi/Posyandu…",
        "siaran.choose_kecamatan": "Pilih kecamatan:",
        "siaran.ask_org": "Ketik sebagian nama instansi atau Posyandu, misalnya <i>Puskesmas</i> atau <i>Melati</i>.",
        "siaran.org_none": "Tidak ada instansi yang cocok dengan “{query}”. Coba kata lain, atau /batal.",
        "siaran.org_pick": "Pilih instansi:",
        "siaran.ask_text": "Penerima: <b>{audience}</b> ({count} orang).\nTulis pesan siaran (paling banyak {max} huruf), atau /batal.",
        "siaran.text_invalid": "Pesan harus berisi 1 sampai {max} huruf. Mohon tulis lagi, atau /batal.",
        "siaran.preview": "<b>Pratinjau siaran</b> kepada <b>{audience}</b>\n{registered} orang terdaftar di bot; {unregistered} belum terdaftar (tidak akan menerima).{templates}\n\n{text}",
        "preview.templates": "\n💬 {count} di antaranya lewat template WhatsApp (berbayar: sudah lebih dari 24 jam tidak menulis ke bot).",
        "siaran.stale_preview": "Pratinjau ini sudah tidak berlaku (siaran telah diubah). Gunakan pratinjau terbaru.",
        "siaran.send": "Kirim",
        "siaran.cancel": "Batal",
        "siaran.queued": "Siaran sedang dikirim.",
        "siaran.report": "<b>Laporan siaran #{id}</b> ({audience})\nTerkirim: {sent}\nMenunggu: {waiting}\nTidak terjangkau: {unreachable}\nGagal: {failed}\nDilewati: {skipped}",
        "siaran.refresh": "Perbarui",
        "siaran.cancelled": "Siaran dibatalkan.",
        "siaran.nobody": "Tidak ada penerima untuk pilihan itu. Pilih yang lain.",
        "audience.all": "semua",
        "audience.kader": "semua kader",
        "audience.opd": "semua OPD",
        "audience.admin": "admin",
        "help.admin_siaran": "\n/siaran — kirim pesan ke sekelompok orang",
        "cmd.siaran": "Siaran (admin)",
    }
)
CLI_TEXTS.update(
    {
        "cli.broadcast_queued": "Siaran #{id} diantrekan untuk {count} orang ({unreachable} belum terdaftar). Bot yang berjalan akan mengirimnya.",
        "cli.broadcast_unknown_audience": "Penerima tidak dikenal: {spec}. Gunakan all, kader, opd, admin, org:NAMA, kecamatan:NAMA atau phone:NOMOR.",
        "cli.broadcast_bad_text": "Teks siaran harus berisi 1 sampai {max} huruf.",
        "cli.delivery_locked": "Tidak dapat memulai: proses pokjanal lain sudah mengirim pesan dari {path}; pada SQLite hanya satu yang boleh berjalan (gunakan PostgreSQL untuk beberapa proses).",
    }
)

TEXTS.update(
    {
        # --- meetings and RSVP -------------------------------------------------------------
        "meeting.invitation": "📩 <b>Undangan {body}</b>\n\n<b>{title}</b>\n🗓 {when}\n📍 {venue}{agenda}\n\nMohon konfirmasi kehadiran paling lambat {deadline}.",
        "meeting.agenda": "\n📝 Acara: {agenda}",
        "meeting.current_answer": "\n\nJawaban Anda sekarang: <b>{answer}</b>",
        "rsvp.hadir": "Hadir",
        "rsvp.diwakilkan": "Diwakilkan",
        "rsvp.tidak_hadir": "Tidak hadir",
        "rsvp.skip": "Lewati",
        "rsvp.answer.pending": "belum dijawab",
        "rsvp.answer.hadir": "Hadir",
        "rsvp.answer.diwakilkan": "Diwakilkan oleh {name}, {position}",
        "rsvp.answer.tidak_hadir": "Tidak hadir",
        "rsvp.answer.reason": " (alasan: {reason})",
        "rsvp.saved": "Terima kasih. Jawaban Anda untuk <b>{title}</b>: <b>{answer}</b>.\nJawaban dapat diubah sampai {deadline} lewat /undangan.",
        "rsvp.ask.rep_name": "Siapa yang mewakili Bapak/Ibu di <b>{title}</b>? Tulis nama lengkapnya. Ketik /batal untuk batal.",
        "rsvp.ask.rep_position": "Apa jabatan {name}?",
        "rsvp.ask.rep_phone": "Nomor HP {name}? Bila ada di daftar peserta, ia juga menerima pengingat. Atau tekan Lewati.",
        "rsvp.ask.reason": "Mohon tulis alasan singkat tidak hadir di <b>{title}</b>, atau tekan Lewati.",
        "rsvp.invalid.rep_name": "Mohon tulis nama lengkap wakil (3 sampai 200 huruf), atau /batal.",
        "rsvp.invalid.rep_position": "Mohon tulis jabatan wakil (2 sampai 200 huruf), atau /batal.",
        "rsvp.invalid.rep_phone": "Nomor HP itu tidak dapat dibaca. Tulis lagi, misalnya 0812-3456-7890, atau tekan Lewati.",
        "rsvp.invalid.reason": "Mohon tulis alasan paling banyak 300 huruf, atau tekan Lewati.",
        "rsvp.deadline_passed": "Maaf, batas konfirmasi sudah lewat. Jawaban tidak diubah.",
        "rsvp.cancelled": "Rapat ini sudah dibatalkan. Jawaban tidak diubah.",
        "rsvp.no_open": "Tidak ada undangan yang menunggu jawaban.",
        "rsvp.which": "Ada {count} undangan terbuka. Mohon pilih jawaban di bawah undangan yang dimaksud:",
        "rsvp.stopped": "Baik, jawaban sebelumnya tetap berlaku.",
        "rsvp.unchanged": "Jawaban Anda sudah {answer}.",
        "meeting.reminder": "⏰ <b>Pengingat rapat</b>\n<b>{title}</b>\n🗓 {when}\n📍 {venue}\nJawaban Anda: {answer}\nSaat tiba, kirim /hadir {code} untuk mencatat kehadiran.",
        "meeting.reminder_representative": "⏰ <b>Pengingat rapat</b>\nAnda mewakili <b>{invitee}</b> di <b>{title}</b>\n🗓 {when}\n📍 {venue}\nSaat tiba, kirim /hadir {code} untuk mencatat kehadiran.",
        "rsvp.nudge_item": "Undangan <b>{title}</b> ({when}) menunggu jawaban",
        "rsvp.open": "Jawab: {title}",
        "checkin.ask_code": "Kirim /hadir diikuti kode kehadiran yang ditampilkan panitia, misalnya: /hadir K7QX4P",
        "checkin.unknown_code": "Kode {code} tidak dikenal. Mohon periksa lagi kode dari panitia.",
        "checkin.checked_in": "✅ Kehadiran Anda di <b>{title}</b> tercatat: {time}. Terima kasih.",
        "checkin.walk_in": "✅ Kehadiran Anda di <b>{title}</b> tercatat ({time}) sebagai peserta tanpa undangan. Terima kasih.",
        "checkin.already": "Kehadiran Anda di <b>{title}</b> sudah tercatat sebelumnya.",
        "checkin.too_early": "Pencatatan kehadiran <b>{title}</b> dibuka {opens}.",
        "checkin.too_late": "Pencatatan kehadiran <b>{title}</b> sudah ditutup.",
        "checkin.cancelled": "Rapat <b>{title}</b> dibatalkan.",
        "cmd.hadir": "Catat kehadiran dengan kode",
        "meeting.moved": "⚠️ <b>Jadwal berubah</b> (semula {old}). Mohon konfirmasi lagi kehadiran Bapak/Ibu.",
        "meeting.notice.cancelled": "❌ <b>Rapat dibatalkan</b>\n<b>{title}</b> yang dijadwalkan {when} <b>dibatalkan</b>. Mohon maaf atas perubahan ini.",
        "meeting.notice.representing": "📩 <b>Anda ditunjuk mewakili {invitee}</b>\n<b>{title}</b>\n🗓 {when}\n📍 {venue}\nSaat tiba, kirim /hadir {code} untuk mencatat kehadiran.",
        "rapat.ask.title": "<b>Rapat baru</b>. Apa judul rapatnya? Misalnya: <i>Rakor Pokjanal Posyandu Kabupaten</i>. Ketik /batal untuk batal.",
        "rapat.ask.date": "Tanggal rapat? Misalnya <i>{example}</i>, <i>{example_named}</i>, <i>besok</i> atau <i>lusa</i>.",
        "rapat.ask.time": "Jam mulai? Misalnya <i>09.00</i> atau <i>09.00 WITA</i>.",
        "rapat.ask.venue": "Tempat rapat? Misalnya <i>Aula Kantor Bupati</i>.",
        "rapat.ask.deadline": "Batas konfirmasi kehadiran? Ketik tanggal (dan jam), atau tekan tombol di bawah.",
        "rapat.ask.audience": "Siapa yang diundang? Tekan tombol, atau ketik misalnya <i>kecamatan:Malili, org:Dinas Kesehatan, phone:0812…</i> (pisahkan dengan koma).",
        "rapat.deadline_at_start": "Sampai waktu mulai",
        "rapat.aud_all": "Semua",
        "rapat.aud_opd": "Semua OPD",
        "rapat.aud_kader": "Semua kader",
        "rapat.preview": "<b>Pratinjau rapat</b>\n<b>{title}</b>\n🗓 {when}\n📍 {venue}\nBatas konfirmasi: {deadline}\nDiundang: {audience} ({count} orang){templates}\n\nKirim undangan sekarang?",
        "rapat.confirm": "Buat & kirim undangan",
        "rapat.cancel": "Batal",
        "rapat.cancelled": "Pembuatan rapat dibatalkan.",
        "rapat.created": "✅ Rapat #{id} dibuat.\nUndangan: {reach}.\nKode hadir: <b>{code}</b> (peserta mengirim /hadir {code} saat tiba).",
        "rapat.invalid.title": "Judul harus berisi 3 sampai 200 huruf. Mohon tulis lagi.",
        "rapat.invalid.date": "Tanggal itu tidak dapat dibaca. Tulis misalnya <i>{example}</i>, <i>{example_named}</i> atau <i>besok</i>.",
        "rapat.invalid.date_past": "Tanggal itu sudah lewat. Mohon tulis tanggal hari ini atau sesudahnya.",
        "rapat.invalid.time": "Jam itu tidak dapat dibaca. Tulis misalnya <i>09.00</i> atau <i>jam 9 WITA</i>.",
        "rapat.invalid.time_past": "Waktu itu sudah lewat. Mohon tulis jam yang akan datang.",
        "rapat.invalid.venue": "Tempat harus berisi 3 sampai 200 huruf. Mohon tulis lagi.",
        "rapat.invalid.deadline": "Batas itu tidak dapat dibaca. Tulis misalnya <i>{example} 16.00</i>, atau tekan tombol.",
        "rapat.invalid.deadline_order": "Batas konfirmasi harus sesudah sekarang dan tidak sesudah waktu mulai.",
        "rapat.invalid.audience": "Tidak ada orang yang cocok. Tekan tombol, atau periksa nama kecamatan/instansi.",
        "rapat.invalid.stale": "Tombol itu dari pratinjau lama. Gunakan pesan terbaru.",
        "rapat.invalid.meeting_start_in_past": "Waktu mulai sudah lewat selama pratinjau. Mulai lagi dengan /rapatbaru.",
        "rapat.invalid.meeting_deadline": "Batas konfirmasi sudah lewat selama pratinjau. Mulai lagi dengan /rapatbaru.",
        "rapat.invalid.meeting_title": "Judul rapat tidak sah. Mulai lagi dengan /rapatbaru.",
        "rapat.invalid.meeting_venue": "Tempat rapat tidak sah. Mulai lagi dengan /rapatbaru.",
        "help.admin_rapat": "\n/rapatbaru — buat rapat dan kirim undangan",
        "cmd.rapatbaru": "Rapat baru (admin)",
        "notulen.nudge_item": "Rapat <b>{title}</b> ({when}) belum ditutup: mohon kirim notulennya",
        "notulen.button": "Kirim notulen: {title}",
        "notulen.ask": "Kirim notulen <b>{title}</b>: ketik ringkasannya, atau kirim dokumennya (PDF/Word). Ketik /batal untuk batal.",
        "notulen.closed": "✅ Notulen <b>{title}</b> tersimpan dan rapat ditutup. Terima kasih.",
        "notulen.none": "Tidak ada rapat yang menunggu notulen.",
        "notulen.choose": "Rapat yang menunggu notulen:",
        "notulen.invalid.minutes": "Notulen harus berisi paling sedikit 3 huruf, atau kirim sebagai dokumen.",
        "notulen.invalid.not_ended": "Rapat ini belum selesai.",
        "notulen.invalid.not_scheduled": "Rapat ini sudah ditutup atau dibatalkan.",
        "help.admin_notulen": "\n/notulen — tutup rapat dengan notulennya",
        "cmd.notulen": "Notulen rapat (admin)",
        "notulen.document": "(dokumen: {name})",
        "export.minutes_title": "Notulen",
        "rapat.none_upcoming": "Tidak ada rapat yang akan datang.",
        "rapat.choose_cancel": "Rapat mana yang dibatalkan?",
        "rapat.choose_move": "Rapat mana yang dipindahkan?",
        "rapat.cancel_confirm": "Batalkan <b>{title}</b>? Semua undangan diberi tahu dan pengingat tidak dikirim.",
        "rapat.cancel_yes": "Ya, batalkan rapat",
        "rapat.cancel_done": "❌ <b>{title}</b> dibatalkan. Semua undangan sedang diberi tahu.",
        "rapat.ask.move_date": "Tanggal baru untuk <b>{title}</b>? Misalnya <i>{example}</i> atau <i>{example_named}</i>.",
        "rapat.moved": "✅ <b>{title}</b> dipindahkan ke {when}. Undangan dengan jadwal baru sedang dikirim; yang sudah menjawab diminta konfirmasi lagi.",
        "help.admin_move_cancel": "\n/pindahrapat, /batalrapat — pindahkan atau batalkan rapat",
        "cmd.batalrapat": "Batalkan rapat (admin)",
        "cmd.pindahrapat": "Pindahkan rapat (admin)",
        "rapat.invalid.meeting_not_scheduled": "Rapat ini sudah dibatalkan atau ditutup; tidak ada yang diubah.",
        "rapat.invalid.meeting_end_before_start": "Waktu selesai harus sesudah waktu mulai.",
        "rapat.invalid.meeting_agenda": "Acara rapat terlalu panjang (paling banyak 2000 huruf).",
        "rapat.invalid.meeting_already_started": "Rapat ini sudah dimulai; tutup dengan /notulen, bukan dibatalkan.",
        "notulen.invalid.already_started": "Rapat ini sudah dimulai; tutup dengan /notulen, bukan dibatalkan.",
        "rapat.move_stopped": "Baik, jadwal rapat tidak diubah.",
        "rapat.move_preview": "<b>Pindahkan rapat?</b>\n<b>{title}</b>\nSemula: {old}\nMenjadi: <b>{new}</b>\nTempat: {venue} (tidak berubah)\nBatas konfirmasi: {deadline}\n\nDiberi tahu jadwal baru: {reach}. Yang sudah menjawab diminta konfirmasi lagi.",
        "rapat.move_yes": "Ya, pindahkan",
        "rapat.no": "Tidak",
        "rapat.cancel_kept": "Baik, <b>{title}</b> tidak dibatalkan. Tidak ada yang diubah.",
        "rapat.invalid.move_start_in_past": "Waktu baru itu sudah lewat selama pratinjau; jadwal tidak diubah. Mulai lagi dengan /pindahrapat.",
        "invite.reach.sending": "{count} sedang dikirim{channels}",
        "invite.reach.by_bot": "{count} lewat bot{channels}",
        "invite.reach.channels": " (Telegram {telegram}, WhatsApp {whatsapp})",
        "invite.reach.unregistered": "{count} belum terdaftar di bot (akan menerima saat mendaftar)",
        "invite.reach.blocked": "{count} tidak dapat dihubungi (memblokir bot)",
        "notulen.stopped": "Baik, notulen belum dicatat; rapat tetap terbuka.",
        "meeting.notice.late_decline": "⚠️ <b>{invitee}</b> ({organization}) membatalkan kehadiran di <b>{title}</b> ({when}). Alasan: {reason}",
        "undangan.header": "<b>Undangan terbuka ({count})</b>",
        "help.rsvp": "\n/undangan — undangan rapat saya\nJawab juga dengan mengetik: HADIR, WAKIL nama, atau TIDAK alasan.",
        "cmd.undangan": "Undangan rapat saya",
        "help.checkin": "\n/hadir KODE — catat kehadiran saat tiba di rapat (kode dari panitia)",
    }
)
TEXTS.update(
    {
        # --- daftar hadir (export for the SPJ): plain text, written into XLSX/PDF/CSV --------
        "export.title": "DAFTAR HADIR",
        "export.sheet": "Daftar hadir",
        "export.when": "Waktu: {when}",
        "export.until": " s.d. {time}",
        "export.venue": "Tempat: {venue}",
        "export.code": "Kode hadir: {code}",
        "export.summary": "Diundang: {invited} · Hadir: {hadir} · Diwakilkan: {diwakilkan} · Tidak hadir: {tidak_hadir} · Belum dijawab: {pending} · Tercatat hadir: {checked_in}",
        "export.page": "Halaman {page} dari {pages}",
        "export.erased": "(data dihapus)",
        "export.walk_in": "datang tanpa undangan",
        "export.yes": "ya",
        "export.answer.diwakilkan": "Diwakilkan",
        "export.col.no": "No",
        "export.col.name": "Nama",
        "export.col.position": "Jabatan",
        "export.col.organization": "Instansi",
        "export.col.answer": "Jawaban",
        "export.col.representative": "Diwakili oleh",
        "export.col.check_in": "Jam hadir",
        "export.col.signature": "Tanda tangan",
        "export.col.answered_at": "Waktu jawaban",
        "export.col.reason": "Alasan",
        "export.col.walk_in": "Tanpa undangan",
    }
)
CLI_TEXTS.update(
    {
        "cli.export_bad_suffix": "Format tidak dikenal: {name}. Akhiri nama berkas dengan .xlsx, .pdf atau .csv.",
        "cli.export_unknown_meeting": "Rapat #{id} tidak ada. Lihat daftar rapat dengan: pokjanal meeting list",
        "cli.export_write_error": "Berkas {path} tidak dapat ditulis: {reason}",
        "cli.export_saved": "Daftar hadir rapat #{id} ({count} orang) disimpan di {path}.",
    }
)

TEXTS.update(
    {
        # --- /rekap: a meeting's recap for the secretariat ------------------------------------
        "rekap.choose": "📊 Pilih rapat yang ingin direkap:",
        "rekap.no_meetings": "Belum ada rapat yang akan datang atau dalam 30 hari terakhir.",
        "rekap.not_found": "Rapat itu tidak ditemukan. Ketik /rekap untuk memilih dari daftar.",
        "rekap.meeting_button": "{title} · {date}",
        "rekap.header": "📊 <b>Rekap {title}</b>\n🗓 {when}\n📍 {venue}",
        "rekap.status.cancelled": "⛔ Rapat ini dibatalkan.",
        "rekap.status.done": "✔️ Rapat ini sudah ditutup.",
        "rekap.status.closed": "🔒 Batas konfirmasi sudah lewat.",
        "rekap.percent": "{count} ({percent}%)",
        "rekap.funnel": "📨 {invited} diundang · 📬 {delivered} terkirim\n💬 {answered} menjawab · 📍 {checked_in} check-in",
        "rekap.walk_ins": "🚶 Hadir tanpa undangan: {count}",
        "rekap.channel.read": "{channel}: {sent} terkirim, {delivered} diterima, {read} dibaca",
        "rekap.channel.sent": "{channel}: {sent} terkirim",
        "channel.telegram": "Telegram",
        "channel.whatsapp": "WhatsApp",
        "rekap.answers": "✅ {hadir} hadir · 👥 {diwakilkan} diwakilkan · ❌ {tidak_hadir} tidak · ⏳ {pending} belum",
        "rekap.person_line": "• {name} — {organization}",
        "rekap.person_unreachable": "• {name} — {organization} ({reason})",
        "rekap.reason.not_registered": "belum mendaftar di bot",
        "rekap.reason.blocked": "memblokir bot",
        "rekap.reason.erased": "data pribadi sudah dihapus",
        "rekap.erased_name": "(data dihapus)",
        "rekap.nobody": "• tidak ada",
        "rekap.nudge_button": "Ingatkan yang belum menjawab",
        "rekap.nudged_short": "{count} pengingat diantrekan.",
        "rekap.nudged": "🔔 {count} pengingat diantrekan untuk yang belum menjawab. Pengingat dikirim pada hari kerja, paling banyak satu pesan pengingat per orang per hari.",
        "rekap.nudged_none": "Tidak ada pengingat baru: yang belum menjawab belum mendaftar di bot, memblokir bot, atau sudah diingatkan dalam 24 jam terakhir.",
        "rekap.nudge_closed": "Batas konfirmasi rapat ini sudah lewat atau rapat dibatalkan; pengingat tidak dikirim.",
        "rekap.chart.hadir": "Hadir",
        "rekap.chart.diwakilkan": "Diwakilkan",
        "rekap.chart.tidak_hadir": "Tidak hadir",
        "rekap.chart.pending": "Belum menjawab",
        "rekap.chart.empty": "Belum ada undangan",
        "rekap.kinds_header": "<b>Per jenis organisasi</b> (menjawab / diundang)",
        "rekap.kind_line": "<b>{kind}</b> {answered}/{invited} · terwakili {covered} dari {organizations}",
        "rekap.kind_line.none": "<b>{kind}</b> {answered}/{invited}",
        "rekap.kind.agency": "OPD",
        "rekap.kind.puskesmas": "Puskesmas",
        "rekap.kind.kecamatan": "Kecamatan",
        "rekap.kind.desa": "Desa/Kelurahan",
        "rekap.kind.posyandu": "Posyandu",
        "rekap.kind.none": "Tanpa organisasi",
        "rekap.kind_chart.agency": "OPD ({count})",
        "rekap.kind_chart.puskesmas": "Puskesmas ({count})",
        "rekap.kind_chart.kecamatan": "Kecamatan ({count})",
        "rekap.kind_chart.desa": "Desa/Kelurahan ({count})",
        "rekap.kind_chart.posyandu": "Posyandu ({count})",
        "rekap.kind_chart.none": "Tanpa organisasi ({count})",
        "rekap.laggards": "   belum: {names}",
        "rekap.laggard": "{name} ({count})",
        "rekap.laggards_more": " +{count} lainnya",
        "rekap.minutes_kept": "📝 Notulen sudah tersimpan.",
        "rekap.carried": "🔁 {count} tindak lanjut rapat sebelumnya masih terbuka ({overdue} lewat tenggat) — /statusrtl",
        "rekap.as_of": "🕒 Keadaan per {now}",
        "rekap.pending_button": "Belum menjawab ({count})",
        "rekap.download_button": "Unduh daftar hadir",
        "rekap.console_button": "Buka konsol",
        "rekap.downloading": "Daftar hadir (XLSX dan PDF) sedang dikirim…",
        "rekap.pending_title": "⏳ <b>Belum menjawab: {title}</b> ({count} orang, halaman {page}/{pages})",
        "rekap.page_back": "◀ Sebelumnya",
        "rekap.page_next": "Berikutnya ▶",
        "rekap.chart.share_axis": "% dari yang diundang",
        "lembar.kind.roster": "📋 <b>Daftar peserta</b> diperiksa: {summary}",
        "lembar.kind.rtl": "📋 <b>Lembar RTL</b> diperiksa: {summary}",
        "lembar.row": "• {text}",
        "lembar.more_rows": "… dan {count} baris lain ditolak: daftar lengkapnya tampil bila berkas yang sama diunggah di konsol (/konsol).",
        "lembar.not_saved_yet": "Belum ada yang disimpan. Baris yang ditolak tidak akan disimpan; tekan Simpan untuk menyimpan sisanya.",
        "lembar.saved": "✅ Tersimpan.",
        "lembar.save": "Simpan {count} baris",
        "lembar.gone": "Berkas yang diperiksa sudah tidak tersedia (lebih dari 30 menit, atau sudah disimpan). Mohon kirim lagi.",
        "lembar.unknown_columns": "Kolom wajib tidak ditemukan: {columns}. Daftar peserta perlu kolom nama, no HP, peran; lembar RTL perlu kolom tindak lanjut, penanggung jawab, tenggat.",
        "lembar.unreadable": "Berkas itu tidak dapat dibaca sebagai daftar peserta atau lembar RTL. {reason} Tidak ada yang disimpan.",
        "lembar.unavailable": "Pemeriksaan lembar kerja belum tersedia di server ini.",
        "lembar.damaged": "Berkas tidak dapat dibuka sebagai CSV atau XLSX (rusak, dikunci sandi, atau bukan lembar kerja).",
        "lembar.too_big": "Berkas terlalu besar untuk diperiksa. Tidak ada yang disimpan.",
        "lembar.failed": "Berkas tidak dapat diunduh. Mohon kirim lagi. Tidak ada yang disimpan.",
        "help.admin_rekap": "\n/rekap — rekap undangan dan kehadiran rapat\n/konsol — tautan masuk konsol sekretariat (web)",
    }
)

# Follow-up actions (RTL): each part keeps its texts in its own module.
from handlers.texts import (  # noqa: E402
    action_cli_id,
    action_status_id,
    actions_id,
    console_id,
    privacy_cli_id,
)

for _part in (actions_id, action_status_id, action_cli_id, console_id, privacy_cli_id):
    TEXTS.update(_part.TEXTS)
    CLI_TEXTS.update(_part.CLI_TEXTS)
