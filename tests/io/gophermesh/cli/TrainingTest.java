package io.gophermesh.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.testing.ProcessLeaks;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code --aot-train}, the build's training run: serves its own config once and leaves nothing behind. */
@Timeout(60)
class TrainingTest {

    @Test
    void trainingExitsZeroAndLeavesNoProcessOrListener() throws IOException {
        Set<String> before = listeningSocketsOfThisJvm();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--aot-train"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), ProcessLeaks.descendants());
        assertEquals(before, listeningSocketsOfThisJvm(), "every port it bound is closed again");
    }

    /** Inodes of the sockets this JVM holds that are in LISTEN state (Linux /proc). */
    private static Set<String> listeningSocketsOfThisJvm() throws IOException {
        Set<String> listening = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (Files.exists(path)) {
                for (String line : Files.readAllLines(path)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && "0A".equals(f[3])) {
                        listening.add("socket:[" + f[9] + "]");
                    }
                }
            }
        }
        Set<String> mine = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (listening.contains(target)) {
                        mine.add(target);
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return mine;
    }
}
