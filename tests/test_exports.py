"""Downloads: a Camtrap DP package made from a survey reads back as the same survey."""

import io
import zipfile

from landmap.camtrapdp import read_camtrapdp
from landmap.exports import camtrapdp_zip
from landmap.survey import headline


def test_demo_round_trips_through_a_camtrap_dp_zip(demo, tmp_path):
    zipfile.ZipFile(io.BytesIO(camtrapdp_zip(demo))).extractall(tmp_path)
    back = read_camtrapdp(tmp_path)
    assert headline(back) == headline(demo)
    for table in ("deployments", "observations"):
        a, b = getattr(demo, table), getattr(back, table)
        assert b.iloc[:, 0].tolist() == a.iloc[:, 0].tolist()  # the IDs, in order
    for column in ("eventStart", "eventStart_offset", "eventEnd", "individualID"):
        assert back.observations[column].equals(demo.observations[column]), column
    for column in ("deploymentStart", "deploymentEnd_offset", "latitude", "timestampIssues"):
        assert back.deployments[column].equals(demo.deployments[column]), column
    assert back.individuals["individualID"].tolist() == demo.individuals["individualID"].tolist()
    assert back.leopard_ids() == demo.leopard_ids()
    assert [p.message for p in back.problems] == [p.message for p in demo.problems]
