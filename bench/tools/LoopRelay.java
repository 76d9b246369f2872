import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A TCP relay built the way nginx is: one event loop per core on a platform thread, non-blocking
 * sockets, every loop accepting from the same listening socket. Each client gets its own backend
 * connection; bytes are copied both ways and each end of stream is passed on. It has no timeouts,
 * limits or logging, so it is a floor for the event-loop model on the JVM, as {@code BenchTool
 * pipe} is one for the virtual-thread model; the two differ only in how they wait for sockets.
 */
final class LoopRelay {
    private LoopRelay() {
    }

    static void run(int port, InetSocketAddress backend) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(backend.getAddress(), port), 4096);
        server.configureBlocking(false);
        int loops = Runtime.getRuntime().availableProcessors();
        Thread[] threads = new Thread[loops];
        for (int i = 0; i < loops; i++) {
            Loop loop = new Loop(server, backend);
            threads[i] = Thread.ofPlatform().name("loop-" + i).start(loop::run);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One direction of a connection pair: reads {@code from}, writes {@code to}. */
    private static final class Flow {
        final SocketChannel from;
        final SocketChannel to;
        final Pair pair;
        /** Bytes read but not yet written, when {@code to} could not take them all. */
        ByteBuffer pending;
        boolean ended;
        SelectionKey fromKey;
        SelectionKey toKey;

        Flow(SocketChannel from, SocketChannel to, Pair pair) {
            this.from = from;
            this.to = to;
            this.pair = pair;
        }
    }

    /** A client and its backend connection. */
    private static final class Pair {
        final SocketChannel client;
        final SocketChannel server;
        int open = 2;

        Pair(SocketChannel client, SocketChannel server) {
            this.client = client;
            this.server = server;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private static final class Loop {
        private final ServerSocketChannel server;
        private final InetSocketAddress backend;
        private final Selector selector;
        /** Shared by every flow of this loop: a read is written out at once. */
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);

        Loop(ServerSocketChannel server, InetSocketAddress backend) throws IOException {
            this.server = server;
            this.backend = backend;
            this.selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        }

        void run() {
            try {
                while (true) {
                    selector.select(this::ready);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void ready(SelectionKey key) {
            if (!key.isValid()) {
                return; // its pair was closed while an earlier key of this round was handled
            }
            try {
                if (key.isAcceptable()) {
                    accept();
                } else if (key.isConnectable()) {
                    connected(key);
                } else {
                    // the key's attachment is the flow whose source (readable) or sink (writable) it is
                    Flow[] flows = (Flow[]) key.attachment();
                    if (key.isWritable()) {
                        drain(flows[1]);
                    }
                    if (key.isValid() && key.isReadable()) {
                        copy(flows[0]);
                    }
                }
            } catch (IOException e) {
                Object a = key.attachment();
                if (a instanceof Flow[] flows) {
                    flows[0].pair.close();
                } else if (a instanceof Pair pair) {
                    pair.close();
                }
            }
        }

        private void accept() throws IOException {
            // every loop is woken for a new client; the ones that lose the race get null
            SocketChannel client = server.accept();
            if (client == null) {
                return;
            }
            client.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SocketChannel upstream = SocketChannel.open();
            try {
                upstream.configureBlocking(false);
                upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Pair pair = new Pair(client, upstream);
                if (upstream.connect(backend)) {
                    start(pair, null);
                } else {
                    upstream.register(selector, SelectionKey.OP_CONNECT, pair);
                }
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }

        private void connected(SelectionKey key) throws IOException {
            Pair pair = (Pair) key.attachment();
            pair.server.finishConnect();
            start(pair, key);
        }

        private void start(Pair pair, SelectionKey serverKey) throws IOException {
            Flow up = new Flow(pair.client, pair.server, pair);
            Flow down = new Flow(pair.server, pair.client, pair);
            // a key stands for its channel: it is the source of one flow and the sink of the other
            SelectionKey clientKey = pair.client.register(selector, SelectionKey.OP_READ, new Flow[] {up, down});
            if (serverKey == null) {
                serverKey = pair.server.register(selector, SelectionKey.OP_READ, new Flow[] {down, up});
            } else {
                serverKey.interestOps(SelectionKey.OP_READ).attach(new Flow[] {down, up});
            }
            up.fromKey = clientKey;
            up.toKey = serverKey;
            down.fromKey = serverKey;
            down.toKey = clientKey;
        }

        private void copy(Flow flow) throws IOException {
            buffer.clear();
            int n = flow.from.read(buffer);
            if (n < 0) {
                end(flow);
                return;
            }
            buffer.flip();
            flow.to.write(buffer);
            if (buffer.hasRemaining()) {
                // the sink is full: keep the rest, stop reading this source until it has drained
                flow.pending = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
                flow.fromKey.interestOps(flow.fromKey.interestOps() & ~SelectionKey.OP_READ);
                flow.toKey.interestOps(flow.toKey.interestOps() | SelectionKey.OP_WRITE);
            }
        }

        private void drain(Flow flow) throws IOException {
            if (flow.pending == null) {
                return;
            }
            flow.to.write(flow.pending);
            if (flow.pending.hasRemaining()) {
                return;
            }
            flow.pending = null;
            flow.toKey.interestOps(flow.toKey.interestOps() & ~SelectionKey.OP_WRITE);
            if (flow.ended) {
                finishEnd(flow);
            } else {
                flow.fromKey.interestOps(flow.fromKey.interestOps() | SelectionKey.OP_READ);
            }
        }

        private void end(Flow flow) throws IOException {
            flow.ended = true;
            flow.fromKey.interestOps(flow.fromKey.interestOps() & ~SelectionKey.OP_READ);
            if (flow.pending == null) {
                finishEnd(flow);
            }
        }

        /** Passes the end on, unless the other direction has ended too: then closing sends it. */
        private void finishEnd(Flow flow) throws IOException {
            if (--flow.pair.open > 0) {
                flow.to.shutdownOutput();
            } else {
                flow.pair.close();
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
