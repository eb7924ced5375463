/// The tenant gateways of one worker: the default tenant and the named ones.
struct TenantGateways: Sendable {
    let defaultGateway: TenantGateway
    let named: [String: TenantGateway]

    /// The gateway for an event's `tenant`; `nil` for a tenant that is not configured.
    func gateway(for tenant: String?) -> TenantGateway? {
        guard let tenant, tenant != defaultGateway.name else { return defaultGateway }
        return named[tenant]
    }

    var all: [TenantGateway] { [defaultGateway] + named.values }
}
