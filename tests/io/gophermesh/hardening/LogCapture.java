package io.gophermesh.hardening;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Collects the java.util.logging records of one logger (and its children) while open. */
final class LogCapture extends Handler implements AutoCloseable {
    private static final SimpleFormatter FORMAT = new SimpleFormatter();
    private final Logger logger;
    private final Level oldLevel;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    /** @param name logger name, {@code ""} for the root logger */
    LogCapture(String name) {
        this.logger = Logger.getLogger(name);
        this.oldLevel = logger.getLevel();
        if (oldLevel == null || oldLevel.intValue() > Level.INFO.intValue()) {
            logger.setLevel(Level.INFO);
        }
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    List<LogRecord> records() {
        return records;
    }

    /** @return formatted messages of records at {@code level} or above */
    List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
                .map(r -> r.getLoggerName() + " " + r.getLevel() + ": " + FORMAT.formatMessage(r)
                        + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")"))
                .toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(oldLevel);
    }
}
