"""Every refusal arrives as its own HearthError subclass; garbage through the
boundary is refused with a typed error and the process goes on."""

import os

import pytest

from conftest import POOR_ANSWERS, FixedKey, couple, hearth, new_cycle


def submitted(phone, officer_id=None, pin="111111"):
    supervisor = phone.hearth.unlock(phone.supervisor, "222222")
    officer = phone.hearth.unlock(officer_id or phone.officer, pin)
    cycle = supervisor.open_cycle(new_cycle())
    h = officer.create_household("01108-01", couple())
    iv = officer.start_interview(h.id, cycle.id)
    iv = officer.save_interview(iv.id, iv.revision, POOR_ANSWERS)
    officer.complete_interview(iv.id)
    return officer, supervisor, cycle, officer.submit_interview(iv.id)


def test_a_wrong_pin_says_how_many_attempts_are_left(phone):
    with pytest.raises(hearth.HearthError.WrongPin) as e:
        phone.hearth.unlock(phone.officer, "999999")
    assert e.value.attempts_left == 4


def test_five_wrong_pins_lock_the_user_out(phone):
    for _ in range(4):
        with pytest.raises(hearth.HearthError.WrongPin):
            phone.hearth.unlock(phone.officer, "999999")
    with pytest.raises(hearth.HearthError.LockedOut) as e:
        phone.hearth.unlock(phone.officer, "999999")
    assert e.value.retry_after_secs == 30


def test_an_officer_outside_the_commune_is_refused(phone):
    officer, _, _, iv = submitted(phone)
    outsider = phone.hearth.unlock(phone.outsider, "333333")
    with pytest.raises(hearth.HearthError.NotPermitted):
        outsider.create_household("01108-01", couple())
    with pytest.raises(hearth.HearthError.NotFound):
        outsider.interview(iv.id)


def test_nobody_approves_their_own_interview(phone):
    supervisor = phone.hearth.unlock(phone.supervisor, "222222")
    cycle = supervisor.open_cycle(new_cycle())
    h = supervisor.create_household("01108-01", couple())
    iv = supervisor.start_interview(h.id, cycle.id)
    iv = supervisor.save_interview(iv.id, iv.revision, POOR_ANSWERS)
    supervisor.complete_interview(iv.id)
    iv = supervisor.submit_interview(iv.id)
    with pytest.raises(hearth.HearthError.NotPermitted):
        supervisor.approve_interview(iv.id)


def test_invalid_input_names_the_field(phone):
    officer = phone.hearth.unlock(phone.officer, "111111")
    d = couple()
    d.members[1].birth = "1982-13"
    with pytest.raises(hearth.HearthError.InvalidInput) as e:
        officer.create_household("01108-01", d)
    assert e.value.field == "members[1].birth"


def test_incomplete_answers_list_every_problem(phone):
    officer = phone.hearth.unlock(phone.officer, "111111")
    supervisor = phone.hearth.unlock(phone.supervisor, "222222")
    cycle = supervisor.open_cycle(new_cycle())
    iv = officer.start_interview(officer.create_household("01108-01", couple()).id, cycle.id)
    with pytest.raises(hearth.HearthError.Incomplete) as e:
        officer.complete_interview(iv.id)
    assert any(p.question == "income_monthly_vnd" and p.message_key == "required" for p in e.value.problems)


def test_garbage_strings_are_typed_refusals(phone):
    officer, _, _, iv = submitted(phone)
    huge = "x" * (4 << 20)
    for bad_id in ["", "not-a-uuid", "😀", huge, "\x00" * 36]:
        with pytest.raises(hearth.HearthError.InvalidInput):
            officer.interview(bad_id)
    for bad_json in ["", "null", "[1,2]", "{", huge, '{"income_monthly_vnd": "many"}']:
        with pytest.raises(hearth.HearthError.InvalidInput):
            officer.save_interview(iv.id, iv.revision, bad_json)
    for bad_pin in ["", "12345", "abcdef", huge]:
        with pytest.raises(hearth.HearthError.InvalidInput):
            phone.hearth.unlock(phone.officer, bad_pin)
    with pytest.raises(hearth.HearthError.CertificateRefused):
        phone.hearth.install_certificate(os.urandom(1000))
    assert officer.find_households(huge) == []


def test_invalid_utf8_is_refused_before_it_crosses(phone):
    officer = phone.hearth.unlock(phone.officer, "111111")
    with pytest.raises(UnicodeEncodeError):
        officer.find_households("\udcff")
    assert officer.info().role == hearth.Role.OFFICER


def test_negative_sizes_are_refused(phone):
    officer, _, _, iv = submitted(phone)
    with pytest.raises((ValueError, TypeError, OverflowError)):
        officer.save_interview(iv.id, -1, POOR_ANSWERS)
    for days in [-1, 0, -(2**63)]:
        with pytest.raises(hearth.HearthError.InvalidInput):
            phone.authority.issue(_request(phone, days), hearth.Role.OFFICER, ["01108"], days)


def _request(phone, n):
    other = hearth.Hearth.create_insecure_fast_kdf(str(phone.dir / f"other{n}.db"), FixedKey(),
                                                   phone.authority.public_key())
    return other.begin_enrollment("Sùng A Pà", "444444").request


class Refusing(hearth.KeyProvider):
    def device_secret(self, store_id):
        raise hearth.HearthError.KeyProvider("keystore locked")


class Broken(hearth.KeyProvider):
    def device_secret(self, store_id):
        raise RuntimeError("bug in the app")


def test_a_key_provider_that_refuses_or_breaks_is_a_key_provider_error(tmp_path):
    with pytest.raises(hearth.HearthError.KeyProvider) as e:
        hearth.Hearth.create(str(tmp_path / "a.db"), Refusing(), bytes(32))
    assert e.value.reason == "keystore locked"
    with pytest.raises(hearth.HearthError.KeyProvider):
        hearth.Hearth.create(str(tmp_path / "b.db"), Broken(), bytes(32))


class CancelAfter(hearth.ProgressListener):
    def __init__(self, rows):
        self.rows, self.calls = rows, []

    def on_progress(self, done, total):
        self.calls.append((done, total))
        return done < self.rows


def test_a_cancelled_export_raises_cancelled_and_writes_no_file(phone):
    _, supervisor, cycle, iv = submitted(phone)
    supervisor.approve_interview(iv.id)
    supervisor.certify_cycle(cycle.id)
    out = phone.dir / "poor.csv"
    listener = CancelAfter(0)
    with pytest.raises(hearth.HearthError.Cancelled):
        supervisor.export_list_csv(cycle.id, hearth.ListKind.POOR, str(out), listener)
    assert listener.calls == [(0, 1)]
    assert not out.exists()
    assert supervisor.export_list_csv(cycle.id, hearth.ListKind.POOR, str(out), CancelAfter(99)) == 1
    assert out.read_text().count("\n") == 2


def test_a_locked_session_answers_closed(phone):
    officer = phone.hearth.unlock(phone.officer, "111111")
    officer.lock()
    with pytest.raises(hearth.HearthError.Closed):
        officer.info()
