"""The officer-to-supervisor flow through the Python bindings."""

from conftest import POOR_ANSWERS, couple, hearth, new_cycle


def test_an_officer_interview_is_scored_poor_submitted_and_approved_by_the_supervisor(phone):
    assert [u.role for u in phone.hearth.users()] == [
        hearth.Role.OFFICER, hearth.Role.SUPERVISOR, hearth.Role.OFFICER]
    officer = phone.hearth.unlock(phone.officer, "111111")
    supervisor = phone.hearth.unlock(phone.supervisor, "222222")
    cycle = supervisor.open_cycle(new_cycle())
    household = officer.create_household("01108-01", couple())
    assert household.revision == 1

    iv = officer.start_interview(household.id, cycle.id)
    assert iv.status == hearth.InterviewStatus.DRAFT
    iv = officer.save_interview(iv.id, iv.revision, POOR_ANSWERS)
    iv = officer.complete_interview(iv.id)
    assert iv.score.category == hearth.Category.POOR
    assert iv.score.income_per_capita == 1_400_000
    assert [d.indicator for d in iv.score.deprived] == ["housing_quality", "water", "latrine"]
    assert all(d.reason.vi and d.reason.en for d in iv.score.deprived)

    iv = officer.submit_interview(iv.id)
    assert [s.id for s in supervisor.inbox()] == [iv.id]
    approved = supervisor.approve_interview(iv.id)
    assert approved.status == hearth.InterviewStatus.APPROVED
    assert officer.interview(iv.id).status == hearth.InterviewStatus.APPROVED


def test_households_are_found_by_a_members_name_without_diacritics(phone):
    officer = phone.hearth.unlock(phone.officer, "111111")
    h = officer.create_household("01108-01", couple())
    assert [x.id for x in officer.find_households("VUI VAN SINH")] == [h.id]
    assert [m.full_name for m in officer.household(h.id).details.members] == ["Vùi Văn Sình", "Lù Thị Sẻ"]
