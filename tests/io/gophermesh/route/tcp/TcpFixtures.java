package io.gophermesh.route.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gophermesh.balance.Balancer;
import io.gophermesh.config.BackendConfig;
import io.gophermesh.config.LoadBalance;
import io.gophermesh.config.Protocol;
import io.gophermesh.config.RouteConfig;
import io.gophermesh.process.LogBuffer;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;

/** Route contexts and client helpers for the tcp route tests. */
final class TcpFixtures {
    /** Longest a test waits for any single thing. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private TcpFixtures() {
    }

    /** Options of a test route; {@code null} means the default. */
    record Options(LoadBalance balance, Integer maxConnections, Duration idleTimeout, Duration connectTimeout) {
        static Options of(LoadBalance balance) {
            return new Options(balance, null, null, null);
        }
    }

    /** A route context over backends on the given ports, named {@code b0, b1, ...}. */
    static RouteContext context(int port, Options options, RouteMetrics metrics, int... backendPorts) {
        List<BackendConfig> configs = new ArrayList<>();
        for (int i = 0; i < backendPorts.length; i++) {
            configs.add(new BackendConfig("b" + i, "", List.of(), "127.0.0.1", String.valueOf(backendPorts[i]),
                    null, null, null));
        }
        RouteConfig config = new RouteConfig("Route-" + port, Protocol.TCP, null, options.balance(), configs,
                options.maxConnections(), null, null, null, null, null, options.idleTimeout(), null,
                options.connectTimeout(), null);
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            String name = configs.get(i).name();
            backends.add(new Backend(port + ":" + i, "route " + port + " backend " + name, configs.get(i),
                    new LogBuffer(), null));
        }
        return new RouteContext(port, config, backends, Balancer.of(options.balance()), List.of(), new byte[0],
                metrics);
    }

    static RouteContext context(int port, LoadBalance balance, int... backendPorts) {
        return context(port, Options.of(balance), new RouteMetrics(), backendPorts);
    }

    /** A client connected to the route, with reads bounded by {@link #WAIT}. */
    static Socket connect(int port) throws IOException {
        return connectFrom("127.0.0.1", port);
    }

    /** A client connected from a chosen loopback address, e.g. {@code 127.0.0.2}. */
    static Socket connectFrom(String localIp, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(localIp), 0));
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), (int) WAIT.toMillis());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    /** Reads bytes up to and without a newline. */
    static String readLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                fail("stream ended after '" + line.toString(StandardCharsets.US_ASCII) + "'");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Sends a line and checks that the same line comes back. */
    static void assertEchoes(Socket s, String text) throws IOException {
        s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(text, readLine(s));
    }

    /** Checks that the peer ended or reset the connection (not merely a read timeout). */
    static void assertClosedByPeer(Socket s) throws IOException {
        try {
            int b = s.getInputStream().read();
            assertEquals(-1, b, "expected the connection to be closed, got a byte");
        } catch (SocketTimeoutException e) {
            fail("connection still open after " + WAIT);
        } catch (SocketException reset) {
            // a reset is a close too
        }
    }
}
