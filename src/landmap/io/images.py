"""Pictures as landmap serves them: re-encoded, without metadata, cached as thumbnails.

A camera-trap photograph carries more than the picture: EXIF and XMP blocks with the
camera's GPS position, serial number and clock. Whatever landmap shows or exports is a
new JPEG made from the pixels alone, so none of that leaves the server. Thumbnails are
made once (JPEG draft mode decodes a large photograph at a fraction of its size, which
is most of the speed) and kept in the cache folder, keyed by the file's path, size and
modification time; the package folder is never written to.

Files are untrusted: a corrupt or truncated image, a decompression bomb (more pixels
than :data:`MAX_PIXELS`), a file over :data:`MAX_BYTES` or a type Pillow cannot read
raises :class:`ImageProblem` with a reason a person can act on, never a traceback.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from landmap.i18n import Text

__all__ = ["MAX_BYTES", "MAX_PIXELS", "ImageProblem", "clean_image", "thumbnail",
           "thumbnails"]

#: Largest picture decoded: 100 megapixels (a 2 GB "photo" or a bomb is refused).
MAX_PIXELS = 100_000_000
#: Largest file opened as a picture.
MAX_BYTES = 64 * 1024 * 1024
#: Formats read (what camera traps and their software write).
_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP", "MPO"}


class ImageProblem(ValueError):
    """A file that cannot be shown as a picture; ``reason`` says why (translatable)."""

    def __init__(self, path: Path, reason: Text):
        super().__init__(f"{Path(path).name}: {reason}")
        self.path = Path(path)
        self.reason = reason


def clean_image(path: str | Path, max_side: int | None = None, quality: int = 85) -> bytes:
    """The picture in a file as a new JPEG with no metadata (no EXIF, XMP, IPTC, ICC).

    Parameters
    ----------
    path : path-like
        The image file (already known to lie inside the package, see
        :func:`landmap.media.media_path`).
    max_side : int, optional
        Shrink so that neither side exceeds this many pixels (never enlarged).
    quality : int
        JPEG quality of the result.

    Raises
    ------
    ImageProblem
        Missing, too large, not a picture, corrupt or truncated, or a decompression bomb.

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> p = Path(tempfile.mkdtemp()) / "a.jpg"
    >>> exif = Image.Exif(); exif[0x010F] = "TrailCam"  # the camera's maker
    >>> Image.new("RGB", (800, 600), "green").save(p, exif=exif)
    >>> out = Image.open(io.BytesIO(clean_image(p, max_side=200)))
    >>> out.size, len(out.getexif())
    ((200, 150), 0)
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise ImageProblem(path, Text("the file cannot be read")) from None
    if size > MAX_BYTES:
        raise ImageProblem(path, Text("the file is larger than {mb} MB: not shown",
                                      mb=MAX_BYTES // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format not in _FORMATS:
                    raise ImageProblem(path, Text("not a picture landmap can show ({kind})",
                                                  kind=image.format or "?"))
                if image.width * image.height > MAX_PIXELS:
                    raise ImageProblem(path, Text(
                        "too many pixels ({n} million): not decoded",
                        n=image.width * image.height // 1_000_000))
                if max_side and image.format == "JPEG":
                    # decode at 1/2, 1/4 or 1/8 of the size straight away
                    image.draft("RGB", (max_side, max_side))
                image.load()
                picture = image.convert("RGB")
    except ImageProblem:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageProblem(path, Text("too many pixels: not decoded")) from None
    except UnidentifiedImageError:
        raise ImageProblem(path, Text("not a picture landmap can show")) from None
    except (OSError, ValueError, SyntaxError):
        raise ImageProblem(path, Text("the picture is corrupt or cut short")) from None
    if max_side:
        picture.thumbnail((max_side, max_side))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _key(path: Path, max_side: int) -> str:
    stat = path.stat()
    text = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{max_side}"
    return hashlib.sha1(text.encode()).hexdigest()


def thumbnail(path: str | Path, max_side: int = 320, cache: str | Path | None = None) -> bytes:
    """A small clean JPEG of a picture (:func:`clean_image`), made once and cached.

    Parameters
    ----------
    path : path-like
    max_side : int
        Longest side in pixels.
    cache : path-like, optional
        Folder for the thumbnails (``thumbnails/`` inside landmap's cache folder in the
        dashboard). A file changed since (size or modification time) gets a new one.

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> folder = Path(tempfile.mkdtemp())
    >>> Image.new("RGB", (1600, 1200), "grey").save(folder / "p.jpg")
    >>> a = thumbnail(folder / "p.jpg", 160, cache=folder / "thumbs")
    >>> Image.open(io.BytesIO(a)).size, len(list((folder / "thumbs").rglob("*.jpg")))
    ((160, 120), 1)
    """
    path = Path(path)
    if cache is None:
        return clean_image(path, max_side)
    try:
        key = _key(path, max_side)
    except OSError:
        raise ImageProblem(path, Text("the file cannot be read")) from None
    stored = Path(cache) / key[:2] / f"{key}.jpg"
    if stored.is_file():
        return stored.read_bytes()
    data = clean_image(path, max_side)
    stored.parent.mkdir(parents=True, exist_ok=True)
    # written aside and renamed: a reader never sees half a file
    partial = stored.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(stored)
    return data


def thumbnails(paths, max_side: int = 320, cache: str | Path | None = None,
               workers: int | None = None, progress=None) -> list[bytes | ImageProblem]:
    """Thumbnails of many pictures, several at a time, in the order given.

    Each entry is the JPEG bytes or the :class:`ImageProblem` that file raised, so one
    bad file never stops the others. ``progress(done, total)`` is called as they finish.

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> folder = Path(tempfile.mkdtemp())
    >>> Image.new("RGB", (64, 48)).save(folder / "ok.png")
    >>> _ = (folder / "bad.jpg").write_bytes(b"not a picture")
    >>> [type(t).__name__ for t in thumbnails([folder / "ok.png", folder / "bad.jpg"], 32)]
    ['bytes', 'ImageProblem']
    """
    paths = list(paths)
    done = 0

    def one(path):
        try:
            return thumbnail(path, max_side, cache)
        except ImageProblem as problem:
            return problem

    results: list = [None] * len(paths)
    # Pillow releases the GIL while decoding, so threads use every core
    with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 2) * 2)) as pool:
        for i, result in enumerate(pool.map(one, paths)):
            results[i] = result
            done += 1
            if progress is not None:
                progress(done, len(paths))
    return results
