"""Fixtures for the Python binding tests: the generated `hearth` module (from
HEARTH_PY_DIR, default target/py, where tests/bindings/run puts it beside the
test build of libhearth_ffi.so) and a provisioned phone with an officer and a
supervisor of Xã Xín Mần and an officer of another commune."""

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, os.environ.get("HEARTH_PY_DIR", str(ROOT / "target" / "py")))

import hearth  # noqa: E402

UNITS = """code,name,level,parent_code,valid_from,valid_to
08,Tuyên Quang,province,,2025-07-01,
01108,Xã Xín Mần,commune,08,2025-07-01,
01108-01,Thôn Nà Pó,village,01108,2025-07-01,
01096,Xã Nấm Dẩn,commune,08,2025-07-01,
01096-01,Thôn Pà Vầy Sủ,village,01096,2025-07-01,
"""

POOR_ANSWERS = """{
  "reference_date": "2026-10-01",
  "area": "rural", "income_monthly_vnd": 2800000,
  "house": { "walls": "non_durable", "frame": "durable", "roof": "non_durable" },
  "floor_area_m2": 30, "water_source": "surface_water", "latrine": "simple_pit",
  "internet_use": true, "info_devices": ["basic_phone"],
  "members": [
    { "name": "Vùi Văn Sình", "sex": "male", "birth": "1980", "relationship": "head",
      "health_insurance": true, "education": "lower_secondary", "employment": "farming",
      "disability": "none", "monthly_social_allowance": false },
    { "name": "Lù Thị Sẻ", "sex": "female", "birth": "1982-05", "relationship": "spouse",
      "health_insurance": true, "education": "primary", "employment": "farming",
      "disability": "none", "monthly_social_allowance": false }
  ]
}"""


class FixedKey(hearth.KeyProvider):
    """A key provider holding one fixed device secret."""

    def __init__(self, secret=bytes([7] * 32)):
        self.secret = secret

    def device_secret(self, store_id):
        return self.secret


class Phone:
    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.path = str(tmp_path / "phone.db")
        self.authority = hearth.Authority.generate()
        self.hearth = hearth.Hearth.create_insecure_fast_kdf(self.path, FixedKey(), self.authority.public_key())
        self.hearth.import_units_csv(UNITS)
        self.officer = self.enrol("Lò Văn Tú", "111111", hearth.Role.OFFICER, "01108")
        self.supervisor = self.enrol("Vàng Thị Mai", "222222", hearth.Role.SUPERVISOR, "01108")
        self.outsider = self.enrol("Giàng A Lử", "333333", hearth.Role.OFFICER, "01096")
        self.hearth.finish_provisioning()

    def enrol(self, name, pin, role, scope):
        e = self.hearth.begin_enrollment(name, pin)
        cert = self.authority.issue(e.request, role, [scope], 365)
        return self.hearth.install_certificate(cert).id


@pytest.fixture
def phone(tmp_path):
    return Phone(tmp_path)


def couple():
    return hearth.HouseholdDetails(
        address="Thôn Nà Pó, Xã Xín Mần",
        members=[
            hearth.Member(full_name="Vùi Văn Sình", sex=hearth.Sex.MALE, birth="1980", ethnicity="Nùng",
                          relationship=hearth.Relationship.HEAD),
            hearth.Member(full_name="Lù Thị Sẻ", sex=hearth.Sex.FEMALE, birth="1982-05", ethnicity="Nùng",
                          relationship=hearth.Relationship.SPOUSE),
        ],
    )


def new_cycle():
    return hearth.NewCycle(year=2026, kind=hearth.CycleKind.PERIODIC(), standard_id="vn-2022",
                           units=["01108"], reference_date="2026-10-01")
