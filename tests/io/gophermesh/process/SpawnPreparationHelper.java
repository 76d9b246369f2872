package io.gophermesh.process;

import java.nio.file.Path;

import io.gophermesh.config.Config;

/**
 * A mesh that has just loaded its config and started no child: asks for the spawn preparation of
 * the config file in its first argument, prints whether one was started, and waits until stdin
 * closes. Runs in a JVM of its own, where nothing has initialised the spawner yet.
 */
final class SpawnPreparationHelper {
    private SpawnPreparationHelper() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(SpawnPreparation.startFor(Config.load(Path.of(args[0])), null));
        System.out.flush();
        System.in.read();
    }
}
