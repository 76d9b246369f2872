package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ring keeps the newest lines and tells listeners. */
@Timeout(10)
class LogBufferTest {
    @Test
    void keepsTheNewestLinesOldestFirst() throws Exception {
        LogBuffer log = new LogBuffer(3);
        List<String> seen = new ArrayList<>();
        try (AutoCloseable sub = log.subscribe(seen::add)) {
            for (int i = 1; i <= 5; i++) {
                log.append("line " + i);
            }
        }
        log.append("after unsubscribe");

        assertEquals(List.of("line 4", "line 5", "after unsubscribe"), log.lines());
        assertEquals(List.of("line 5", "after unsubscribe"), log.tail(2));
        assertEquals(List.of(), log.tail(0));
        assertEquals(List.of(), log.tail(-1));
        assertEquals(5, seen.size());
    }
}
