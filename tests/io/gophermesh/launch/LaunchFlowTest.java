package io.gophermesh.launch;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.testing.Ports;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LaunchFlowTest {
    @TempDir
    Path meshDir;

    @Test
    void portMustBeARouteOfTheConfig() {
        Config config = LaunchFixtures.config("9999", Path.of("/m/config.json"), 8081, 18081);
        assertDoesNotThrow(() -> LaunchProtocol.validatePort(config, 18081));
        assertDoesNotThrow(() -> LaunchProtocol.validatePort(config, null));
        LaunchException e = assertThrows(LaunchException.class, () -> LaunchProtocol.validatePort(config, 9090));
        assertEquals("port 9090 is not a route of config /m/config.json (routes: 8081, 18081)", e.getMessage());
    }

    @Test
    void probesSeeOnlyWhatListens() throws IOException {
        try (ServerSocket route = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertTrue(LaunchProtocol.isPublicRouteHealthy(route.getLocalPort()));
            Config config = LaunchFixtures.config(String.valueOf(route.getLocalPort()), null);
            assertTrue(LaunchProtocol.isDashboardHealthy(config));
            Config wildcard = new Config("0.0.0.0", String.valueOf(route.getLocalPort()), null, null, null, null, null, null);
            assertTrue(LaunchProtocol.isDashboardHealthy(wildcard), "a wildcard bind is probed on loopback");
        }
        int closed = Ports.free();
        assertFalse(LaunchProtocol.isPublicRouteHealthy(closed));
        assertFalse(LaunchProtocol.isDashboardHealthy(LaunchFixtures.config(String.valueOf(closed), null)));
        assertFalse(LaunchProtocol.isDashboardHealthy(LaunchFixtures.config("not-a-port", null)));
        assertFalse(LaunchProtocol.isPublicRouteHealthy(0));
    }

    @Test
    void routeAlreadyServingMeansExitZero() throws IOException {
        try (ServerSocket route = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = route.getLocalPort();
            List<Path> loaded = new ArrayList<>();
            LaunchFlow flow = new LaunchFlow(meshDir, null, null, path -> {
                loaded.add(path);
                return LaunchFixtures.config(String.valueOf(Ports.free()), null, port);
            });
            LaunchDecision decision = flow.decide("gophermesh://launch?port=" + port);
            assertEquals(LaunchDecision.Outcome.ALREADY_RUNNING, decision.outcome(), decision.message());
            assertEquals(OptionalInt.of(0), decision.exitCode());
            assertTrue(decision.message().contains("route " + port + " already ready"), decision.message());
            assertEquals(List.of(meshDir.toAbsolutePath().resolve("config.json")), loaded);
            assertEquals(meshDir.toAbsolutePath().resolve("config.json"), decision.config().configPath());
        }
    }

    @Test
    void routeNotServingMeansStart() throws IOException {
        int port = Ports.free();
        Files.createDirectories(meshDir.resolve("sample"));
        Files.writeString(meshDir.resolve("sample/mesh.json"), "{}");
        Config config = LaunchFixtures.config("9999", meshDir.resolve("sample/mesh.json"), port);
        LaunchFlow flow = new LaunchFlow(meshDir, null, null, path -> config);
        LaunchDecision decision = flow.decide("gophermesh://launch?port=" + port + "&conf=sample/mesh.json");
        assertEquals(LaunchDecision.Outcome.START, decision.outcome(), decision.message());
        assertEquals(OptionalInt.empty(), decision.exitCode());
        assertSame(config, decision.config());
        assertEquals(port, decision.request().port());
    }

    @Test
    void withoutPortTheDashboardDecides() throws IOException {
        try (ServerSocket dashboard = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String dashboardPort = String.valueOf(dashboard.getLocalPort());
            LaunchFlow flow = new LaunchFlow(meshDir, Path.of("custom.json"), null,
                    path -> LaunchFixtures.config(dashboardPort, path, 8081));
            LaunchDecision running = flow.decide("gophermesh://launch");
            assertEquals(LaunchDecision.Outcome.ALREADY_RUNNING, running.outcome(), running.message());
            assertTrue(running.message().contains("dashboard already ready"), running.message());
            assertTrue(running.message().contains("custom.json"), running.message());
        }
        String idle = String.valueOf(Ports.free());
        LaunchFlow flow = new LaunchFlow(meshDir, null, null, path -> LaunchFixtures.config(idle, path, 8081));
        assertEquals(LaunchDecision.Outcome.START, flow.decide("gophermesh:launch").outcome());
    }

    @Test
    void refusalsExitTwoWithTheReason() {
        int port = Ports.free();
        LaunchFlow flow = new LaunchFlow(meshDir, null, null, path -> LaunchFixtures.config("9999", path, 8081));
        LaunchDecision badUrl = flow.decide("gophermesh://launch?port=1;rm");
        assertEquals(LaunchDecision.Outcome.REFUSED, badUrl.outcome());
        assertEquals(OptionalInt.of(2), badUrl.exitCode());
        assertNull(badUrl.config());
        assertTrue(badUrl.message().startsWith("protocol launch refused: "), badUrl.message());

        LaunchDecision unknownPort = flow.decide("gophermesh://launch?port=" + port);
        assertEquals(LaunchDecision.Outcome.REFUSED, unknownPort.outcome());
        assertTrue(unknownPort.message().contains("port " + port + " is not a route"), unknownPort.message());
        assertEquals(port, unknownPort.request().port());

        LaunchDecision escape = flow.decide("gophermesh://launch?conf=../x.json");
        assertEquals(LaunchDecision.Outcome.REFUSED, escape.outcome());

        LaunchFlow broken = new LaunchFlow(meshDir, null, null, path -> {
            throw new ConfigException("route 8081: backends: at least one is required");
        });
        LaunchDecision invalid = broken.decide("gophermesh://launch");
        assertEquals(LaunchDecision.Outcome.REFUSED, invalid.outcome());
        assertTrue(invalid.message().contains("route 8081: backends: at least one is required"), invalid.message());
        assertTrue(invalid.message().contains(meshDir.resolve("config.json").toString()), invalid.message());
    }

    @Test
    void standardFlowLoadsTheConfigFile() throws IOException {
        assumeTrue(LaunchFixtures.configImplemented(), "Config.load is not in this build yet");
        try (ServerSocket route = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = route.getLocalPort();
            Files.writeString(meshDir.resolve("mesh.json"), """
                    {"dashboard_port": "%d", "routes": {"%d": {"backends": [{"internal_port": "%d"}]}}}
                    """.formatted(Ports.free(), port, Ports.free()));
            LaunchFlow flow = LaunchFlow.standard(meshDir, null);
            LaunchDecision decision = flow.decide("gophermesh://launch?port=" + port + "&config=mesh.json");
            assertEquals(LaunchDecision.Outcome.ALREADY_RUNNING, decision.outcome(), decision.message());
            assertEquals(meshDir.toRealPath().resolve("mesh.json"), decision.config().configPath());
            LaunchDecision other = flow.decide("gophermesh://launch?port=" + (port == 65535 ? 1 : port + 1) + "&conf=mesh.json");
            assertEquals(LaunchDecision.Outcome.REFUSED, other.outcome());
        }
    }
}
