import Testing
@testable import Worker
import Observability

@Suite("traceparent ids")
struct TraceParentTests {
    @Test("new roots and children are valid W3C headers with fresh lowercase hex ids")
    func freshIDs() throws {
        let root = TraceParent.root()
        let child = root.child()
        for parent in [root, child] {
            let parsed = try #require(TraceParent(parent.description))
            #expect(parsed == parent)
            #expect(parent.traceID.utf8.count == 32 && parent.spanID.utf8.count == 16)
        }
        #expect(child.traceID == root.traceID && child.spanID != root.spanID)
        let spans = Set((0..<1000).map { _ in TraceParent.randomHex(bytes: 8) })
        #expect(spans.count == 1000)
        #expect(Set(spans.joined()).isSubset(of: Set("0123456789abcdef")))
    }
}
