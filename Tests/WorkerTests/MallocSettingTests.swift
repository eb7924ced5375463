import Testing
import MallocTuning

@Suite("glibc malloc settings")
struct MallocSettingTests {
    @Test("without glibc's variables the worker applies all three settings")
    func allApplied() {
        let applied = MallocSetting.toApply(environment: ["PATH": "/usr/bin"])
        #expect(applied.map(\.option) == [.arenaMax, .mmapThreshold, .trimThreshold])
        #expect(applied.map(\.value) == [2, 32 << 20, 256 << 20])
    }

    @Test("a variable that is set wins: its setting is left to glibc, the others still apply")
    func variableWins() {
        for setting in MallocSetting.recommended {
            let applied = MallocSetting.toApply(environment: [setting.variable: "1"])
            #expect(!applied.contains(setting), "\(setting.variable) set, yet the worker would override it")
            #expect(applied.count == MallocSetting.recommended.count - 1)
        }
        let all = Dictionary(uniqueKeysWithValues: MallocSetting.recommended.map { ($0.variable, "0") })
        #expect(MallocSetting.toApply(environment: all).isEmpty)
    }

    @Test("the option numbers are glibc's")
    func optionNumbers() {
        // <malloc.h>: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3, M_ARENA_MAX -8.
        #expect(MallocSetting.Option.trimThreshold.rawValue == -1)
        #expect(MallocSetting.Option.mmapThreshold.rawValue == -3)
        #expect(MallocSetting.Option.arenaMax.rawValue == -8)
    }
}
