import Hummingbird
import NIOCore

/// Request context that keeps the connection's channel, so a fault can reset it.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    var maxUploadSize: Int { 64 * 1024 * 1024 }
}
