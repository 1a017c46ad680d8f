// The Kotlin bindings on a desktop JVM, through JNA, against the test build of
// libhearth_ffi: the officer-to-supervisor flow, every typed refusal, garbage
// through the boundary, foreign traits that refuse, throw or cancel, threads.
// A plain main: prints "N passed, N failed" and exits 1 on any failure.

import java.io.File
import java.nio.file.Files
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.hearth.*

const val UNITS = """code,name,level,parent_code,valid_from,valid_to
08,Tuyên Quang,province,,2025-07-01,
01108,Xã Xín Mần,commune,08,2025-07-01,
01108-01,Thôn Nà Pó,village,01108,2025-07-01,
01096,Xã Nấm Dẩn,commune,08,2025-07-01,
01096-01,Thôn Pà Vầy Sủ,village,01096,2025-07-01,
"""

const val POOR_ANSWERS = """{
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

/** A key provider holding one fixed device secret. */
class FixedKey(private val secret: ByteArray = ByteArray(32) { 7 }) : KeyProvider {
    override fun deviceSecret(storeId: String): ByteArray = secret
}

/** A provisioned phone: officer (111111) and supervisor (222222) of 01108, an officer (333333) of 01096. */
class Phone {
    val dir: File = Files.createTempDirectory("hearth-kt").toFile()
    val path = File(dir, "phone.db").path
    val authority = Authority.generate()
    val hearth = Hearth.createInsecureFastKdf(path, FixedKey(), authority.publicKey())
    val officer: String
    val supervisor: String
    val outsider: String

    init {
        hearth.importUnitsCsv(UNITS)
        officer = enrol("Lò Văn Tú", "111111", Role.OFFICER, "01108")
        supervisor = enrol("Vàng Thị Mai", "222222", Role.SUPERVISOR, "01108")
        outsider = enrol("Giàng A Lử", "333333", Role.OFFICER, "01096")
        hearth.finishProvisioning()
    }

    fun enrol(name: String, pin: String, role: Role, scope: String): String {
        val e = hearth.beginEnrollment(name, pin)
        return hearth.installCertificate(authority.issue(e.request, role, listOf(scope), 365)).id
    }
}

fun couple() = HouseholdDetails(
    address = "Thôn Nà Pó, Xã Xín Mần",
    members = listOf(
        Member(fullName = "Vùi Văn Sình", sex = Sex.MALE, birth = "1980", ethnicity = "Nùng", relationship = Relationship.HEAD),
        Member(fullName = "Lù Thị Sẻ", sex = Sex.FEMALE, birth = "1982-05", ethnicity = "Nùng", relationship = Relationship.SPOUSE),
    ),
)

fun newCycle() = NewCycle(2026, CycleKind.Periodic, "vn-2022", listOf("01108"), "2026-10-01")

/** Officer and supervisor sessions, a cycle, and an officer's interview saved with [POOR_ANSWERS]. */
class Saved(p: Phone) {
    val officer = p.hearth.unlock(p.officer, "111111")
    val supervisor = p.hearth.unlock(p.supervisor, "222222")
    val cycle = supervisor.openCycle(newCycle())
    val household = officer.createHousehold("01108-01", couple())
    val interview = officer.startInterview(household.id, cycle.id).let {
        officer.saveInterview(it.id, it.revision, POOR_ANSWERS)
    }
}

val tests = linkedMapOf<String, () -> Unit>()
fun test(name: String, body: () -> Unit) { tests[name] = body }

fun main() {
    test("an officer's interview is scored poor, submitted and approved by the supervisor") {
        val p = Phone()
        assertEquals(listOf(Role.OFFICER, Role.SUPERVISOR, Role.OFFICER), p.hearth.users().map { it.role })
        p.hearth.unlock(p.officer, "111111").use { officer ->
            p.hearth.unlock(p.supervisor, "222222").use { supervisor ->
                val cycle = supervisor.openCycle(newCycle())
                val household = officer.createHousehold("01108-01", couple())
                var iv = officer.startInterview(household.id, cycle.id)
                assertEquals(InterviewStatus.DRAFT, iv.status)
                iv = officer.saveInterview(iv.id, iv.revision, POOR_ANSWERS)
                iv = officer.completeInterview(iv.id)
                val score = assertNotNull(iv.score)
                assertEquals(Category.POOR, score.category)
                assertEquals(1_400_000L, score.incomePerCapita)
                assertEquals(listOf("housing_quality", "water", "latrine"), score.deprived.map { it.indicator })
                assertTrue(score.deprived.all { it.reason.vi.isNotEmpty() && it.reason.en.isNotEmpty() })
                iv = officer.submitInterview(iv.id)
                assertEquals(listOf(iv.id), supervisor.inbox().map { it.id })
                assertEquals(InterviewStatus.APPROVED, supervisor.approveInterview(iv.id).status)
                assertEquals(InterviewStatus.APPROVED, officer.interview(iv.id).status)
            }
        }
    }

    test("a wrong PIN is WrongPin with the attempts left") {
        val p = Phone()
        val e = assertFailsWith<HearthException.WrongPin> { p.hearth.unlock(p.officer, "999999") }
        assertEquals(4u, e.attemptsLeft)
    }

    test("an officer outside the commune is refused") {
        val p = Phone()
        val s = Saved(p)
        val outsider = p.hearth.unlock(p.outsider, "333333")
        assertFailsWith<HearthException.NotPermitted> { outsider.createHousehold("01108-01", couple()) }
        assertFailsWith<HearthException.NotFound> { outsider.interview(s.interview.id) }
    }

    test("nobody approves their own interview") {
        val p = Phone()
        val sup = p.hearth.unlock(p.supervisor, "222222")
        val cycle = sup.openCycle(newCycle())
        var iv = sup.startInterview(sup.createHousehold("01108-01", couple()).id, cycle.id)
        iv = sup.saveInterview(iv.id, iv.revision, POOR_ANSWERS)
        sup.completeInterview(iv.id)
        sup.submitInterview(iv.id)
        assertFailsWith<HearthException.NotPermitted> { sup.approveInterview(iv.id) }
    }

    test("invalid input names the field") {
        val p = Phone()
        val officer = p.hearth.unlock(p.officer, "111111")
        val bad = couple().copy(members = couple().members.mapIndexed { i, m -> if (i == 1) m.copy(birth = "1982-13") else m })
        val e = assertFailsWith<HearthException.InvalidInput> { officer.createHousehold("01108-01", bad) }
        assertEquals("members[1].birth", e.field)
    }

    test("incomplete answers list every blocking problem") {
        val p = Phone()
        val s = Saved(p)
        val iv = s.officer.saveInterview(s.interview.id, s.interview.revision, "{}")
        val e = assertFailsWith<HearthException.Incomplete> { s.officer.completeInterview(iv.id) }
        assertTrue(e.problems.any { it.question == "income_monthly_vnd" && it.messageKey == "required" })
    }

    test("garbage strings and bytes are typed refusals") {
        val p = Phone()
        val s = Saved(p)
        val huge = "x".repeat(4 shl 20)
        for (id in listOf("", "not-a-uuid", "😀", huge, "\u0000".repeat(36))) {
            assertFailsWith<HearthException.InvalidInput> { s.officer.interview(id) }
        }
        for (json in listOf("", "null", "[1,2]", "{", huge, """{"income_monthly_vnd": "many"}""")) {
            assertFailsWith<HearthException.InvalidInput> { s.officer.saveInterview(s.interview.id, s.interview.revision, json) }
        }
        for (pin in listOf("", "12345", "abcdef", huge)) {
            assertFailsWith<HearthException.InvalidInput> { p.hearth.unlock(p.officer, pin) }
        }
        assertFailsWith<HearthException.CertificateRefused> { p.hearth.installCertificate(ByteArray(1000) { it.toByte() }) }
        assertFailsWith<HearthException.InvalidInput> { Hearth.create("", FixedKey(), ByteArray(32)) }
        assertFailsWith<HearthException.InvalidInput> { Hearth.create(File(p.dir, "x.db").path, FixedKey(), ByteArray(3)) }
        assertTrue(s.officer.findHouseholds(huge).isEmpty())
    }

    test("an unpaired surrogate is refused before it crosses; the session goes on") {
        val p = Phone()
        val officer = p.hearth.unlock(p.officer, "111111")
        assertFailsWith<java.nio.charset.CharacterCodingException> { officer.findHouseholds("\uD800") }
        assertEquals(Role.OFFICER, officer.info().role)
    }

    test("negative sizes are refused") {
        val p = Phone()
        val s = Saved(p)
        assertFailsWith<HearthException.Stale> { s.officer.saveInterview(s.interview.id, (-1).toUInt(), POOR_ANSWERS) }
        val request = Hearth.createInsecureFastKdf(File(p.dir, "other.db").path, FixedKey(), p.authority.publicKey())
            .beginEnrollment("Sùng A Pà", "444444").request
        for (days in listOf(-1L, 0L, Long.MIN_VALUE, Long.MAX_VALUE)) {
            assertFailsWith<HearthException.InvalidInput> { p.authority.issue(request, Role.OFFICER, listOf("01108"), days) }
        }
    }

    test("a key provider that refuses or throws is KeyProvider") {
        val dir = Files.createTempDirectory("hearth-kt").toFile()
        val refusing = object : KeyProvider {
            override fun deviceSecret(storeId: String): ByteArray = throw HearthException.KeyProvider("keystore locked")
        }
        val e = assertFailsWith<HearthException.KeyProvider> { Hearth.create(File(dir, "a.db").path, refusing, ByteArray(32)) }
        assertEquals("keystore locked", e.reason)
        val broken = object : KeyProvider {
            override fun deviceSecret(storeId: String): ByteArray = throw IllegalStateException("bug in the app")
        }
        assertFailsWith<HearthException.KeyProvider> { Hearth.create(File(dir, "b.db").path, broken, ByteArray(32)) }
        assertFalse(File(dir, "b.db").exists())
    }

    test("a cancelled export is Cancelled and writes nothing; a throwing listener is Internal") {
        val p = Phone()
        val s = Saved(p)
        s.officer.completeInterview(s.interview.id)
        s.officer.submitInterview(s.interview.id)
        s.supervisor.approveInterview(s.interview.id)
        s.supervisor.certifyCycle(s.cycle.id)
        val out = File(p.dir, "poor.csv")
        val seen = mutableListOf<Pair<ULong, ULong>>()
        val cancel = object : ProgressListener {
            override fun onProgress(done: ULong, total: ULong): Boolean { seen += done to total; return false }
        }
        assertFailsWith<HearthException.Cancelled> { s.supervisor.exportListCsv(s.cycle.id, ListKind.POOR, out.path, cancel) }
        assertEquals(listOf(0uL to 1uL), seen)
        assertFalse(out.exists())
        val throwing = object : ProgressListener {
            override fun onProgress(done: ULong, total: ULong): Boolean = throw IllegalStateException("bug in the app")
        }
        assertFailsWith<HearthException.Internal> { s.supervisor.exportListCsv(s.cycle.id, ListKind.POOR, out.path, throwing) }
        assertFalse(out.exists())
        assertFalse(File(p.dir, "poor.csv.partial").exists())
        assertEquals(1uL, s.supervisor.exportListCsv(s.cycle.id, ListKind.POOR, out.path, null))
        assertEquals(2, out.readLines().size)
    }

    test("threads share one session") {
        val p = Phone()
        val officer = p.hearth.unlock(p.officer, "111111")
        val pool = Executors.newFixedThreadPool(4)
        val jobs = (1..4).map { pool.submit { repeat(5) { officer.createHousehold("01108-01", couple()) } } }
        jobs.forEach { it.get() }
        pool.shutdown()
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS))
        assertEquals(20, officer.householdsIn("01108-01").size)
    }

    test("a locked session is Closed; a released handle is refused by the bindings") {
        val p = Phone()
        val officer = p.hearth.unlock(p.officer, "111111")
        officer.lock()
        assertFailsWith<HearthException.Closed> { officer.info() }
        val other = p.hearth.unlock(p.supervisor, "222222")
        other.close()
        assertFailsWith<IllegalStateException> { other.info() }
    }

    var passed = 0
    var failed = 0
    for ((name, body) in tests) {
        try {
            body()
            passed++
            println("ok   $name")
        } catch (t: Throwable) {
            failed++
            println("FAIL $name: $t")
        }
    }
    println("$passed passed, $failed failed")
    if (failed > 0) exitProcess(1)
}
