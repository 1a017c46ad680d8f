// Per-call cost of the Kotlin bindings on a desktop JVM through JNA, against
// the release library (the app's 600,000-iteration PIN KDF: unlock is slow,
// the calls timed here are not). A timed loop, not a test: it prints the
// median of several rounds per call. Run by bindings/bench/run; figures in
// docs/perf.md beside the same calls timed in Rust (bindings/benches/calls.rs).

import java.io.File
import java.nio.file.Files
import org.hearth.*

class FixedKey : KeyProvider {
    override fun deviceSecret(storeId: String): ByteArray = ByteArray(32) { 7 }
}

fun family() = HouseholdDetails(
    address = "Thôn Nà Pó, Xã Xín Mần",
    members = listOf(
        Member(fullName = "Vùi Văn Sình", sex = Sex.MALE, birth = "1984", ethnicity = "Nùng",
               relationship = Relationship.HEAD, nationalId = "002084001234"),
        Member(fullName = "Lù Thị Sẻ", sex = Sex.FEMALE, birth = "1986-03", ethnicity = "Nùng", relationship = Relationship.SPOUSE),
        Member(fullName = "Vùi Văn Páo", sex = Sex.MALE, birth = "2010-05-02", ethnicity = "Nùng", relationship = Relationship.CHILD),
        Member(fullName = "Vùi Thị Dín", sex = Sex.FEMALE, birth = "2014", ethnicity = "Nùng", relationship = Relationship.CHILD),
        Member(fullName = "Vùi Văn Chứ", sex = Sex.MALE, birth = "1950", ethnicity = "Nùng", relationship = Relationship.PARENT),
    ),
    phone = "0912345678",
)

/** Median over [rounds] of the mean time per call, in microseconds, of [n] calls. */
fun time(name: String, n: Int, rounds: Int = 7, call: () -> Unit) {
    repeat(n) { call() } // warm-up: JIT, JNA, SQLite caches
    val means = (1..rounds).map {
        val t0 = System.nanoTime()
        repeat(n) { call() }
        (System.nanoTime() - t0) / 1000.0 / n
    }.sorted()
    println("%-44s %10.2f µs  (min %.2f, max %.2f, %d × %d calls)".format(name, means[rounds / 2], means.first(), means.last(), rounds, n))
}

fun main() {
    val dir = Files.createTempDirectory("hearth-bench").toFile()
    val authority = Authority.generate()
    val hearth = Hearth.create(File(dir, "phone.db").path, FixedKey(), authority.publicKey())
    hearth.importUnitsCsv("code,name,level,parent_code,valid_from,valid_to\n" +
        "08,Tuyên Quang,province,,2025-07-01,\n01108,Xã Xín Mần,commune,08,2025-07-01,\n" +
        "01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n")
    val e = hearth.beginEnrollment("Lò Văn Tú", "111111")
    val officer = hearth.installCertificate(authority.issue(e.request, Role.OFFICER, listOf("01108"), 365)).id
    hearth.finishProvisioning()
    val session = hearth.unlock(officer, "111111")
    val saved = session.createHousehold("01108-01", family())

    time("trivial: authority.publicKey()", 100_000) { authority.publicKey() }
    time("trivial: session.info()", 100_000) { session.info() }
    time("read a 5-member household: household(id)", 20_000) { session.household(saved.id) }
    time("save a 5-member household: createHousehold", 300) { session.createHousehold("01108-01", family()) }
    session.lock()
    dir.deleteRecursively()
}
