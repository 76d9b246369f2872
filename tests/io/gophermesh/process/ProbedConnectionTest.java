package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The probe's connection goes to the first waiter that can use it, and is closed when nobody does. */
@Timeout(10)
class ProbedConnectionTest {
    private ServerSocketChannel server;

    @BeforeEach
    void listen() throws Exception {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void close() throws Exception {
        server.close();
    }

    private SocketChannel connection() throws Exception {
        SocketChannel c = SocketChannel.open(server.getLocalAddress());
        server.accept().close();
        return c;
    }

    @Test
    void theFirstWaiterTakesItAndNoOneElse() throws Exception {
        ProbedConnection p = new ProbedConnection();
        p.join();
        p.join();
        try (SocketChannel c = connection()) {
            p.offer(c);
            assertSame(c, p.leave(true));
            assertNull(p.leave(true));
        }
    }

    @Test
    void withNobodyWaitingItIsClosedAtOnce() throws Exception {
        ProbedConnection p = new ProbedConnection();
        try (SocketChannel c = connection()) {
            p.offer(c);
            assertFalse(c.isOpen());
        }
    }

    @Test
    void whenEveryWaiterGivesUpTheLastOneClosesIt() throws Exception {
        ProbedConnection p = new ProbedConnection();
        p.join();
        p.join();
        try (SocketChannel c = connection()) {
            p.offer(c);
            assertNull(p.leave(false));
            assertNull(p.leave(false));
            assertFalse(c.isOpen());
        }
    }

    @Test
    void aWaiterThatJoinsAfterTheOfferGetsNothing() throws Exception {
        ProbedConnection p = new ProbedConnection();
        try (SocketChannel c = connection()) {
            p.offer(c);
            p.join();
            assertNull(p.leave(true));
            assertFalse(c.isOpen());
        }
    }
}
