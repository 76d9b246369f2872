package io.gophermesh.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which Host authorities name the dashboard. */
@Timeout(10)
class HostRuleTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 9999);
    private static final InetSocketAddress LAN = new InetSocketAddress(InetAddress.ofLiteral("192.168.1.5"), 9999);

    @Test
    void loopbackNamesWithTheConnectionsPort() {
        HostRule rule = new HostRule(Set.of(), List.of());
        for (String ok : List.of("127.0.0.1:9999", "localhost:9999", "[::1]:9999", "[0:0:0:0:0:0:0:1]:9999", "LocalHost:9999")) {
            assertTrue(rule.allows(ok, 80, LOOPBACK), ok);
        }
        for (String bad : List.of("127.0.0.1:9998", "localhost", "evil.example:9999", "127.0.0.1.nip.io:9999",
                "localhost:9999:1", "[::1", "", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:+9999", "[]:9999")) {
            assertFalse(rule.allows(bad, 80, LOOPBACK), bad);
        }
    }

    @Test
    void theAddressTheConnectionArrivedOn() {
        HostRule rule = new HostRule(Set.of(), List.of());
        assertTrue(rule.allows("192.168.1.5:9999", 80, LAN));
        assertFalse(rule.allows("192.168.1.6:9999", 80, LAN));
        assertFalse(rule.allows("192.168.1.5:9999", 80, LOOPBACK), "not an address of this connection");
    }

    @Test
    void configuredAndExplicitNames() {
        HostRule rule = new HostRule(Set.of("Mesh.Lan", "fe80::1"), List.of("ops.example", "proxy.example:443"));
        assertTrue(rule.allows("mesh.lan:9999", 80, LAN));
        assertFalse(rule.allows("mesh.lan:1234", 80, LAN), "configured names only with the bound port");
        assertTrue(rule.allows("[fe80::1]:9999", 80, LAN));
        assertTrue(rule.allows("ops.example", 80, LAN));
        assertTrue(rule.allows("ops.example:8443", 80, LAN), "a bare explicit name allows any port");
        assertTrue(rule.allows("proxy.example", 443, LAN), "default port of the scheme");
        assertFalse(rule.allows("proxy.example:8443", 80, LAN));
    }

    @Test
    void authorityParsing() {
        assertEquals(new HostRule.Authority("[::1]", 80), HostRule.Authority.parse("[::1]", 80));
        assertEquals(new HostRule.Authority("example.com", 443), HostRule.Authority.parse("Example.COM", 443));
        assertNull(HostRule.Authority.parse("::1", 80), "IPv6 without brackets is ambiguous");
        assertNull(HostRule.Authority.parse(null, 80));
        assertNull(HostRule.Authority.parse("[::1]x", 80));
    }
}
