package org.marrakechgraph.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Starts Neo4j Community's engine with its Bolt connector on loopback, with
 * authentication on, and keeps it running until SIGTERM or Ctrl-C, when it
 * shuts the database down cleanly.
 *
 * <pre>java -cp ... org.marrakechgraph.neo4j.Main --port 7687 --password secret --data ./neo4j-data</pre>
 *
 * Prints one line, {@code neo4j: ready bolt://127.0.0.1:PORT}, once Bolt
 * accepts connections and the password is set.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Options.parse(args);
        int port = Integer.parseInt(opts.getOrDefault("port", "7687"));
        String password = opts.get("password");
        if (password == null || password.length() < 8) {
            throw new IllegalArgumentException("--password is required, 8 characters at least (Neo4j's minimum)");
        }
        Path data = Path.of(opts.getOrDefault("data", "neo4j-data")).toAbsolutePath();
        Files.createDirectories(data);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(data)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j: stopping");
            dbms.shutdown();
            System.out.println("neo4j: stopped");
            stopped.countDown();
        }, "neo4j-shutdown"));

        try {
            setPassword(dbms, password);
            dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        } catch (RuntimeException e) {
            System.err.println("neo4j: failed to start: " + e.getMessage());
            System.exit(1); // runs the shutdown hook
        }

        System.out.println("neo4j: ready bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /**
     * Sets the built-in user's password, whatever it was: a new data folder
     * starts with "neo4j", which must be changed before anything else, and
     * Neo4j refuses a "change" to the same password, so it passes through a
     * random one first.
     */
    static void setPassword(DatabaseManagementService dbms, String password) {
        var system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        String interim = java.util.UUID.randomUUID().toString();
        for (String p : new String[] {interim, password}) {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", p));
        }
    }

    /** Parses {@code --name value} pairs. */
    static final class Options {
        private Options() {}

        static Map<String, String> parse(String[] args) {
            Map<String, String> out = new java.util.HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("usage: --port N --password P --data DIR (got " + a + ")");
                }
                out.put(a.substring(2), args[++i]);
            }
            return out;
        }
    }
}
