package io.gophermesh.cli;

/** {@code java -jar mesh.jar}: command-line entry point. */
public final class Main {
    private Main() {
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        throw new UnsupportedOperationException("todo");
    }
}
