package io.gophermesh.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Copies one output pipe of a backend into its {@link LogBuffer}, a line at a time, each line
 * stamped with the local time and echoed to the mesh log under the backend's label.
 */
final class OutputPump implements Runnable {
    /** A program that writes without newlines must not grow a line without bound. */
    static final int MAX_LINE = 8192;

    private static final System.Logger LOG = System.getLogger("io.gophermesh.process");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    private final InputStream in;
    private final LogBuffer buffer;
    private final String label;

    private OutputPump(InputStream in, LogBuffer buffer, String label) {
        this.in = in;
        this.buffer = buffer;
        this.label = label;
    }

    /**
     * Starts a virtual thread that copies {@code in} until end of stream.
     *
     * @return the thread, to join when the process has exited
     */
    static Thread start(InputStream in, LogBuffer buffer, String label, String stream) {
        return Thread.ofVirtual().name("mesh-" + stream + " " + label).start(new OutputPump(in, buffer, label));
    }

    /** {@return {@code line} with the time stamp every buffered line carries} */
    static String stamped(String line) {
        return STAMP.format(LocalDateTime.now()) + " " + line;
    }

    @Override
    public void run() {
        StringBuilder line = new StringBuilder();
        char[] chunk = new char[4096];
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            int n;
            while ((n = reader.read(chunk)) >= 0) {
                for (int i = 0; i < n; i++) {
                    char c = chunk[i];
                    if (c == '\n') {
                        emit(line);
                    } else if (c != '\r') {
                        line.append(c);
                        if (line.length() >= MAX_LINE) {
                            emit(line);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the stream closes under us when the process is destroyed: what was read is kept
        } finally {
            if (!line.isEmpty()) {
                emit(line);
            }
        }
    }

    private void emit(StringBuilder line) {
        String text = line.toString();
        line.setLength(0);
        buffer.append(stamped(text));
        LOG.log(Level.INFO, () -> label + ": " + text);
    }
}
