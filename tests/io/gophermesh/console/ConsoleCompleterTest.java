package io.gophermesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.engine.RouteStatus;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConsoleCompleterTest {
    @TempDir
    Path tmp;
    Terminal terminal;
    LineReader reader;

    @BeforeEach
    void reader() throws Exception {
        terminal = new DumbTerminal("test", "dumb", new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                StandardCharsets.UTF_8);
        reader = LineReaderBuilder.builder().terminal(terminal).build();
    }

    @AfterEach
    void close() throws Exception {
        terminal.close();
    }

    private List<String> complete(ConsoleCompleter completer, String line) {
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(reader, Commands.lineParser().parse(line, line.length(), Parser.ParseContext.COMPLETE), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }

    @Test
    void completesCommandsRefsAndFollow() {
        ConsoleCompleter completer = new ConsoleCompleter(new FakeMesh(null));
        assertEquals(List.of("status", "routes", "logs", "kill", "reload", "config", "open", "help", "quit", "exit"),
                complete(completer, ""));
        assertEquals(complete(completer, ""), complete(completer, "st"), "JLine filters by prefix, the completer offers all");
        assertEquals(List.of("18081:0", "18081:1", "18090:0"), complete(completer, "logs "));
        assertEquals(List.of("18081:0", "18081:1", "18090:0"), complete(completer, "KILL 180"));
        assertEquals(List.of("-f"), complete(completer, "logs 18081:0 "));
        assertEquals(List.of(), complete(completer, "kill 18081:0 "));
        assertEquals(List.of(), complete(completer, "status "));
        assertEquals(List.of(), complete(completer, "nonsense "));
    }

    @Test
    void refsFollowTheLiveConfig() {
        FakeMesh mesh = new FakeMesh(null) {
            int calls;

            @Override
            public Map<String, RouteStatus> status() {
                return ++calls == 1 ? super.status() : Map.of();
            }
        };
        ConsoleCompleter completer = new ConsoleCompleter(mesh);
        assertEquals(3, complete(completer, "logs ").size());
        assertEquals(List.of(), complete(completer, "logs "), "after a reload removed every route");
        FakeMesh failing = new FakeMesh(null) {
            @Override
            public Map<String, RouteStatus> status() {
                throw new IllegalStateException("stopping");
            }
        };
        assertEquals(List.of(), complete(new ConsoleCompleter(failing), "kill "));
    }

    @Test
    void reloadCompletesFileNames() throws Exception {
        Files.writeString(tmp.resolve("mesh.json"), "{}");
        Files.createDirectories(tmp.resolve("conf.d"));
        List<String> files = complete(new ConsoleCompleter(new FakeMesh(null)), "reload " + tmp + "/");
        assertTrue(files.stream().anyMatch(f -> f.endsWith("/mesh.json")), files.toString());
        assertTrue(files.stream().anyMatch(f -> f.contains("conf.d")), files.toString());
    }
}
