package local.search.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in its own JVM, with the modules that a distribution ships as plugins given on the class
 * path instead of a plugins/ folder.
 *
 * <p>Arguments are settings, as {@code key=value} (a leading {@code -E} is accepted too), for instance
 * {@code cluster.name=local node.name=node-0 path.home=var/cluster/node-0 http.port=9200 ...}, and
 * {@code --plugin=CLASS} for a further plugin class on the class path.
 *
 * <p>It does not go through OpenSearch's {@code Bootstrap} (the distribution's entry point), so none of what
 * that class does happens here: no "can not run as root" refusal (the check lives in
 * {@code Bootstrap.initializeNatives}), no memory locking, no security manager, no production bootstrap checks.
 * This is a development and test server on 127.0.0.1, not a production one.
 */
public final class ClusterNode {

    /**
     * The modules of the distribution that the project's indexes and queries use. Painless (scripts) is not among
     * them by default: building its whitelists costs each node 20-45 s of CPU at start on two cores; add it with
     * {@code --plugin=org.opensearch.painless.PainlessPlugin} (its jar is on the class path).
     */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,          // HTTP and transport (module transport-netty4)
        CommonAnalysisPlugin.class,  // whitespace analyzer, token filters (module analysis-common)
        MapperExtrasPlugin.class,    // scaled_float, rank_feature, search_as_you_type (module mapper-extras)
        ReindexPlugin.class          // _reindex, _update_by_query, _delete_by_query (module reindex)
    );

    /** Node with classpath plugins: the protected constructor that OpenSearch's own test nodes use. */
    static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    static final String LOG4J2 = String.join("\n",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.console.ref = console",
        "logger.deprecation.name = org.opensearch.deprecation",
        "logger.deprecation.level = error",
        "");

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        List<Class<? extends Plugin>> plugins = new ArrayList<>(PLUGINS);
        for (String arg : args) {
            if (arg.startsWith("--plugin=")) {
                plugins.add(Class.forName(arg.substring("--plugin=".length())).asSubclass(Plugin.class));
                continue;
            }
            String a = arg.startsWith("-E") ? arg.substring(2) : arg;
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("expected key=value, got: " + arg);
                System.exit(2);
            }
            builder.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Settings given = builder.build();
        String home = given.get("path.home");
        if (home == null) {
            System.err.println("path.home=... is required");
            System.exit(2);
        }
        Path config = Paths.get(home).toAbsolutePath().resolve("config");
        Files.createDirectories(config);

        // Reads config/opensearch.yml if one exists (none is needed), then applies the given settings.
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            given, Collections.emptyMap(), config, () -> given.get("node.name"));
        // Logs go to standard output (start.sh sends it to the node's log file); the distribution's log4j2
        // file uses layouts of its own, this one only log4j's pattern layout.
        Path log4j = config.resolve("log4j2.properties");
        if (!Files.exists(log4j)) {
            Files.writeString(log4j, LOG4J2);
        }
        LogConfigurator.setNodeName(environment.settings().get("node.name", "node"));
        LogConfigurator.configure(environment);

        Node node = new ClasspathPluginNode(environment, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "node-shutdown"));
        node.start();
        System.out.println("node " + environment.settings().get("node.name") + " started");
        stopped.await(); // keep the JVM alive until SIGTERM/SIGINT runs the hook
    }
}
