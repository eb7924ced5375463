/// The tenant gateways of one worker: the default tenant and the named ones.
package struct TenantGateways: Sendable {
    package let defaultGateway: TenantGateway
    package let named: [String: TenantGateway]

    package init(defaultGateway: TenantGateway, named: [String: TenantGateway]) {
        self.defaultGateway = defaultGateway
        self.named = named
    }

    /// The gateway for an event's `tenant`; `nil` for a tenant that is not configured.
    package func gateway(for tenant: String?) -> TenantGateway? {
        guard let tenant, tenant != defaultGateway.name else { return defaultGateway }
        return named[tenant]
    }

    package var all: [TenantGateway] { [defaultGateway] + named.values }
}
