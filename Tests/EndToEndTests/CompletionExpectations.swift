import PESTestSupport
import Testing

/// Expects a finished scan: every point done with exactly one successful attempt, nothing left running, a sound file.
func expectEveryPointDoneOnce(_ pesscan: BinaryRunner, points: Int) throws {
    #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'done'") == String(points))
    #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'running' OR batch_job IS NOT NULL") == "0")
    #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'done'") == String(points))
    #expect(try pesscan.sql("SELECT COUNT(DISTINCT point_id) FROM attempt WHERE outcome = 'done'") == String(points))
    #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'running'") == "0")
    #expect(try pesscan.sql("PRAGMA integrity_check") == "ok")
}
