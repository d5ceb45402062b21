"""Media of the Cloud API: uploads by the business, files sent by people, download URLs.

Meta stores a file under a numeric media id; `GET /<media_id>` gives a short-lived URL that
needs the same Bearer token. The URL here has Meta's layout (`/whatsapp_business/attachments/
?mid=..&ext=..&hash=..`) on the sandbox host, expires after five minutes of sandbox time and
is signed, so a bot that builds or stores URLs instead of asking for a fresh one finds out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from sandbox.files import image_size
from sandbox.whatsapp.ids import new_media_id

MB = 1024 * 1024
URL_LIFETIME = 300.0

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
DOCUMENT_TYPES = frozenset(
    {
        "text/plain",
        "text/csv",
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
AUDIO_TYPES = frozenset({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"})
VIDEO_TYPES = frozenset({"video/mp4", "video/3gpp"})
STICKER_TYPES = frozenset({"image/webp"})
LIMITS = {"image": 5 * MB, "document": 100 * MB, "audio": 16 * MB, "video": 16 * MB}
STICKER_LIMIT = 500 * 1024

# An 8x8 JPEG and an 8x8 lossless WebP, so people can send a photo or sticker with no file.
_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb00430006040506050406060506070706080a"
    "100a0a09090a140e0f0c1017141818171416161a1d251f1a1b231c1616202c20232627292a29191f"
    "2d302d283025282928ffdb0043010707070a080a130a0a13281a161a282828282828282828282828"
    "2828282828282828282828282828282828282828282828282828282828282828282828282828ffc0"
    "0011080008000803012200021101031101ffc4001f00000105010101010101000000000000000001"
    "02030405060708090a0bffc400b5100002010303020403050504040000017d010203000411051221"
    "31410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a2526272829"
    "2a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a"
    "838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6"
    "c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffc4001f010003"
    "0101010101010101010000000000000102030405060708090a0bffc400b511000201020404030407"
    "05040400010277000102031104052131061241510761711322328108144291a1b1c109233352f015"
    "6272d10a162434e125f11718191a262728292a35363738393a434445464748494a53545556575859"
    "5a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6"
    "a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9ea"
    "f2f3f4f5f6f7f8f9faffda000c03010002110311003f00e7a8a28afd04fca8ffd9"
)
_WEBP = bytes.fromhex("524946461c000000574542505650384c100000002f07c001000750c42873ff0311d1ff00")
_OGG = b"OggS\x00\x02" + bytes(20) + b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"


def make_jpeg() -> bytes:
    """A valid 8x8 JPEG (what WhatsApp clients send for photos)."""
    return _JPEG


def make_webp() -> bytes:
    return _WEBP


def make_ogg() -> bytes:
    """The first page of an Ogg/Opus stream: enough to look like a voice note."""
    return _OGG


def base_mime(mime: str) -> str:
    return mime.split(";", 1)[0].strip().lower()


def kind_of(mime: str) -> str | None:
    """Which WhatsApp media kind a MIME type may be sent as, or None if unsupported."""
    base = base_mime(mime)
    for kind, types in (
        ("image", IMAGE_TYPES),
        ("document", DOCUMENT_TYPES),
        ("audio", AUDIO_TYPES),
        ("video", VIDEO_TYPES),
        ("sticker", STICKER_TYPES),
    ):
        if base in types:
            return kind
    return None


def sniff_image(data: bytes) -> str | None:
    if image_size(data) is None:
        return None
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return None


def upload_problem(data: bytes, mime: str) -> str | None:
    """Why Meta would refuse this upload (type, size, content), or None."""
    kind = kind_of(mime)
    if kind is None:
        return f"Param file must be a file with one of the supported media types, not {mime!r}"
    if not data:
        return "the file is empty"
    limit = STICKER_LIMIT if kind == "sticker" else LIMITS[kind]
    if len(data) > limit:
        return f"{kind} files are limited to {limit} bytes, this one has {len(data)}"
    if kind == "image":
        actual = sniff_image(data)
        if actual is None:
            return f"the file is not a {base_mime(mime)} image"
        if actual != base_mime(mime):
            return f"the file is a {actual} image but was uploaded as {base_mime(mime)}"
    return None


@dataclass
class MediaItem:
    id: str
    data: bytes
    mime_type: str
    waba_id: str
    phone_id: str
    filename: str | None
    created_at: float
    from_user: bool
    deleted: bool = False

    @property
    def kind(self) -> str | None:
        return kind_of(self.mime_type)

    @property
    def sha256_hex(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def sha256_b64(self) -> str:
        """Webhooks carry the hash base64-encoded; `GET /<media_id>` carries it in hex."""
        return base64.b64encode(hashlib.sha256(self.data).digest()).decode()


class MediaStore:
    def __init__(self) -> None:
        self._items: dict[str, MediaItem] = {}
        self._secret = secrets.token_bytes(16)

    def add(
        self,
        data: bytes,
        mime_type: str,
        *,
        waba_id: str,
        phone_id: str,
        filename: str | None,
        now: float,
        from_user: bool,
    ) -> MediaItem:
        media_id = new_media_id()
        while media_id in self._items:
            media_id = new_media_id()
        item = MediaItem(media_id, data, mime_type, waba_id, phone_id, filename, now, from_user)
        self._items[media_id] = item
        return item

    def get(self, media_id: str) -> MediaItem | None:
        item = self._items.get(media_id)
        return None if item is None or item.deleted else item

    def kept(self, media_id: str) -> MediaItem | None:
        """The item even after the business deleted it: a phone that got the file keeps it."""
        return self._items.get(media_id)

    def _hash(self, media_id: str, expires: int) -> str:
        mac = hmac.new(self._secret, f"{media_id}:{expires}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()[:18]).decode()

    def url(self, base_url: str, item: MediaItem, now: float) -> str:
        expires = int(now + URL_LIFETIME)
        query = urlencode({"mid": item.id, "ext": expires, "hash": self._hash(item.id, expires)})
        return f"{base_url}/whatsapp_business/attachments/?{query}"

    def resolve(self, mid: str, ext: str, digest: str, now: float) -> MediaItem | None:
        """The item a download URL names, if the URL is genuine and not expired."""
        if not ext.isdigit() or now > int(ext):
            return None
        if not hmac.compare_digest(self._hash(mid, int(ext)), digest):
            return None
        return self.get(mid)
