"""The demo's photographs: simulated trail-camera frames, drawn, never real.

Every frame says SIMULATED in its corner and in its info strip (station, local date and
time, temperature), so that no one mistakes it for evidence. A leopard's rosettes are a
fixed function of its ID: the same animal shows the same pattern in every frame (in
whatever pose and place in the frame), two animals never the same, which is what a
scientist compares when checking an identification. Night frames are grey, as an
infrared flash takes them. Leo 117F's frames of 2021 show her three cubs; some frames
are favourites, some are not public, and rangers pass some cameras.

The frames are chosen from the simulated observations by fixed rules and drawn with a
random generator seeded by the frame's ID, so :func:`write_demo_media` writes the same
files every time (with the same Pillow).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

from landmap._arrow import value_counts
from landmap.observations import LEOPARD

__all__ = ["DEMO_MEDIA_COMMENT", "demo_media_rows", "draw_frame", "write_demo_media"]

#: Written in every demo media row's mediaComments.
DEMO_MEDIA_COMMENT = "SIMULATED picture drawn by landmap's demo, not a photograph"
_SIZE = (384, 216)
_SEQUENCE = 3  # frames per event in a sequence


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def demo_media_rows(observations: pd.DataFrame) -> pd.DataFrame:
    """The demo's media table (Camtrap DP ``media`` columns) for its observations.

    Chosen by rule, not at random: each identified leopard's first event; the second
    event of the 40 leopards photographed most, so that two pictures of one animal can
    be compared; every event of Leo 117F in 2021 (with her cubs) as a sequence of three
    frames; the first two events of each other species; a dozen events with people
    (rangers; never public). Every tenth leopard event is not public and every
    twelfth is a favourite, as are Leo 117F's frames with cubs.
    """
    obs = observations[observations["lifeStage"] != "juvenile"]
    events = obs.drop_duplicates("eventID")
    leopards = events[(events["scientificName"] == LEOPARD) & (events["individualID"] != "")]
    first = leopards.drop_duplicates("individualID")
    busiest = value_counts(leopards["individualID"]).index[:40]
    second = (leopards[leopards["individualID"].isin(busiest)
                       & ~leopards["eventID"].isin(first["eventID"])]
              .drop_duplicates("individualID"))
    cubs = observations.loc[observations["observationComments"] == "cubs with Leo 117F",
                            "eventID"]
    with_cubs = events[events["eventID"].isin(cubs)
                       & events["eventStart"].str.startswith("2021")]
    others = (events[(events["observationType"] == "animal")
                     & (events["scientificName"] != LEOPARD)]
              .groupby("scientificName", sort=True).head(2))
    people = events[events["observationType"] == "human"].iloc[::90].head(12)
    chosen = pd.concat([first, second, with_cubs, others, people])
    chosen = chosen.drop_duplicates("eventID").sort_values("eventStart", kind="stable")
    rows = []
    for k, event in enumerate(chosen.itertuples(index=False)):
        frames = _SEQUENCE if event.eventID in set(with_cubs["eventID"]) else 1
        leopard = event.scientificName == LEOPARD
        for f in range(frames):
            media_id = f"m{len(rows) + 1:05d}"
            start = pd.Timestamp(event.eventStart) + pd.Timedelta(seconds=2 * f)
            rows.append({
                "mediaID": media_id,
                "deploymentID": event.deploymentID,
                "captureMethod": "activityDetection",
                "timestamp": start.isoformat(),
                "filePath": f"media/{media_id}.jpg",
                "filePublic": "false" if (event.observationType == "human"
                                          or (leopard and k % 10 == 9)) else "true",
                "fileName": f"{media_id}.jpg",
                "fileMediatype": "image/jpeg",
                "exifData": "",
                "favorite": "true" if (event.eventID in set(with_cubs["eventID"]) and f == 1)
                or (leopard and k % 12 == 5) else "",
                "mediaComments": DEMO_MEDIA_COMMENT,
                # what the frame shows (not written: the observations say it)
                "_subject": (event.individualID or event.scientificName
                             or event.observationType),
                "_cubs": 3 if event.eventID in set(with_cubs["eventID"]) else 0,
                "_count": int(event.count) if str(event.count).isdigit() else 1,
            })
    return pd.DataFrame(rows)


def _temperature(timestamp: str, seed: int) -> int:
    month = int(timestamp[5:7])
    # Primorye: about -15 °C in January, +22 °C in July
    return round(3.5 - 18.5 * np.cos(2 * np.pi * (month - 1) / 12) + (seed % 7) - 3)


def _rosettes(individual: str) -> np.ndarray:
    """Rosette centres and sizes in the body's own frame (x along the body, -1..1)."""
    rng = np.random.default_rng(_seed("rosettes " + individual))
    n = 34
    xy = np.column_stack([rng.uniform(-0.95, 0.95, n), rng.uniform(-0.8, 0.8, n)])
    size = rng.uniform(0.06, 0.13, n)
    return np.column_stack([xy, size])


def _cat(draw, cx: float, cy: float, length: float, facing: int, coat, spots, pattern,
         outline) -> None:
    """A walking cat seen from the side, ``length`` pixels from chest to rump."""
    half, height = length / 2, length * 0.32
    # legs, tail and head first, the body over them
    for dx in (-0.38, -0.2, 0.22, 0.38):
        x = cx + facing * dx * length
        draw.rounded_rectangle([x - length * 0.04, cy, x + length * 0.04, cy + height * 1.45],
                               radius=length * 0.03, fill=coat, outline=outline)
    tail = [(cx - facing * half, cy - height * 0.2),
            (cx - facing * (half + length * 0.35), cy + height * 0.35),
            (cx - facing * (half + length * 0.55), cy - height * 0.15)]
    draw.line(tail, fill=coat, width=max(2, int(length * 0.07)), joint="curve")
    hx, hy, r = cx + facing * (half + length * 0.12), cy - height * 0.55, length * 0.15
    draw.ellipse([hx - r, hy - r, hx + r, hy + r], fill=coat, outline=outline)
    for ex in (-0.55, 0.45):
        draw.polygon([(hx + ex * r, hy - r * 0.8), (hx + (ex + 0.25) * r, hy - r * 1.45),
                      (hx + (ex + 0.5) * r, hy - r * 0.7)], fill=coat, outline=outline)
    draw.ellipse([hx + facing * r * 0.35 - 2, hy - r * 0.25 - 2,
                  hx + facing * r * 0.35 + 2, hy - r * 0.25 + 2], fill=(250, 240, 120))
    draw.ellipse([cx - half, cy - height, cx + half, cy + height * 0.9], fill=coat,
                 outline=outline)
    if pattern is None:
        return
    for bx, by, s in pattern:
        x, y = cx + facing * bx * half * 0.92, cy + by * height * 0.85
        rr = s * length * 0.45
        # a rosette: a ring of dark blotches around a slightly darker centre
        draw.ellipse([x - rr * 0.6, y - rr * 0.6, x + rr * 0.6, y + rr * 0.6],
                     fill=tuple(int(c * 0.85) for c in coat))
        for a in np.linspace(0, 2 * np.pi, 5, endpoint=False) + s * 20:
            px, py = x + np.cos(a) * rr, y + np.sin(a) * rr * 0.8
            draw.ellipse([px - rr * 0.3, py - rr * 0.3, px + rr * 0.3, py + rr * 0.3],
                         fill=spots)


def _person(draw, x: float, ground: float, h: float) -> None:
    draw.ellipse([x - h * 0.08, ground - h, x + h * 0.08, ground - h * 0.84],
                 fill=(225, 190, 160))
    draw.rounded_rectangle([x - h * 0.13, ground - h * 0.84, x + h * 0.13, ground - h * 0.42],
                           radius=h * 0.04, fill=(240, 120, 20))  # a ranger's vest
    draw.rectangle([x - h * 0.11, ground - h * 0.42, x - h * 0.02, ground], fill=(60, 70, 50))
    draw.rectangle([x + h * 0.02, ground - h * 0.42, x + h * 0.11, ground], fill=(60, 70, 50))


def draw_frame(row: dict, station: str) -> bytes:
    """One simulated trail-camera frame as JPEG bytes (see the module's notes)."""
    from PIL import Image, ImageDraw, ImageFont

    seed = _seed(row["mediaID"])
    rng = np.random.default_rng(seed)
    w, h = _SIZE
    hour = int(row["timestamp"][11:13])
    night = hour < 6 or hour >= 19
    image = Image.new("RGB", _SIZE)
    draw = ImageDraw.Draw(image)
    top = np.array((60, 80, 60) if not night else (40, 40, 40))
    bottom = np.array((95, 85, 55) if not night else (75, 75, 75))
    for y in range(h):
        t = y / h
        draw.line([(0, y), (w, y)], fill=tuple(int(v) for v in top * (1 - t) + bottom * t))
    for _ in range(9):  # tree trunks
        x = rng.uniform(0, w)
        draw.rectangle([x, 0, x + rng.uniform(5, 14), h * 0.78],
                       fill=(50, 42, 30) if not night else (55, 55, 55))
    ground = h * 0.78
    subject = str(row["_subject"])
    facing = 1 if rng.random() < 0.5 else -1
    length = rng.uniform(0.28, 0.36) * w
    cx = w / 2 + rng.uniform(-0.12, 0.12) * w
    if row.get("_cubs"):
        cx = w / 2 + facing * w * 0.22  # room behind her for the cubs
    outline = (35, 28, 18)
    if subject.startswith("Leo ") or subject == LEOPARD:
        coat = (196, 150, 80) if not night else (175, 175, 175)
        spots = (35, 28, 20) if not night else (45, 45, 45)
        pattern = _rosettes(subject) if subject.startswith("Leo ") else None
        _cat(draw, cx, ground - length * 0.42, length, facing, coat, spots, pattern, outline)
        for c in range(int(row.get("_cubs", 0))):
            small = length * 0.42
            x = cx - facing * (length * 0.62 + c * small * 1.05)
            _cat(draw, x, ground - small * 0.42, small, facing, coat, spots,
                 _rosettes(f"{subject} cub {c}"), outline)
    elif subject == "human":
        for k in range(max(1, min(int(row.get("_count", 1)), 3))):
            _person(draw, cx + k * w * 0.12, ground + 6, h * 0.62)
    else:
        coat = (120, 90, 60) if not night else (150, 150, 150)
        _cat(draw, cx, ground - length * 0.42, length, facing, coat, coat, None, outline)
    font = ImageFont.load_default(size=11)
    big = ImageFont.load_default(size=15)
    if not (subject.startswith("Leo ") or subject in (LEOPARD, "human")):
        draw.text((8, ground - 30), subject, fill=(255, 255, 255), font=big)
    draw.rectangle([0, h - 18, w, h], fill=(0, 0, 0))
    stamp = row["timestamp"]
    strip = (f"SIMULATED  {station}  {stamp[:10]}  {stamp[11:19]}  "
             f"{_temperature(stamp, seed):+d}°C")
    draw.text((6, h - 15), strip, fill=(255, 255, 255), font=font)
    draw.text((6, 4), "SIMULATED", fill=(255, 60, 60), font=big)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=62, optimize=True)
    return out.getvalue()


def write_demo_media(folder: str | Path, observations: pd.DataFrame,
                     deployments: pd.DataFrame) -> pd.DataFrame:
    """Draw the demo's frames into ``folder/media/``; returns the media table to write."""
    rows = demo_media_rows(observations)
    stations = deployments.set_index("deploymentID")["locationID"]
    target = Path(folder) / "media"
    target.mkdir(parents=True, exist_ok=True)
    for path in target.glob("*.jpg"):
        path.unlink()
    for row in rows.to_dict("records"):
        (target / f"{row['mediaID']}.jpg").write_bytes(
            draw_frame(row, stations.get(row["deploymentID"], "")))
    return rows[[c for c in rows.columns if not c.startswith("_")]]
