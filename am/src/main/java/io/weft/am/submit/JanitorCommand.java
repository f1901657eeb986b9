package io.weft.am.submit;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.ApplicationDirs;
import io.weft.yarnconf.HadoopConfigurations;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code yarn jar app.jar janitor}: deletes the current user's staging and shuffle directories of applications
 * that YARN reports ended, and of applications it does not know once they are older than
 * {@code weft.yarn.janitor.unknownAppGracePeriod} (rules in {@link Janitor}).
 */
@Command(name = "weft-janitor", mixinStandardHelpOptions = true,
        description = "Deletes staging and shuffle directories of applications YARN reports finished.")
public final class JanitorCommand implements Callable<Integer> {

    @Option(names = "--conf", description = "weft.* settings, key=value (e.g. weft.yarn.stagingDir)")
    Map<String, String> conf = new java.util.HashMap<>();

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new JanitorCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        WeftConf settings = WeftConf.validate(conf);
        YarnConfiguration yarn = HadoopConfigurations.load(settings, System.getenv());
        YarnClient client = ResourceManagerConnection.open(yarn, settings, System.getenv(), System.out::println);
        try {
            FileSystem fs = FileSystem.get(yarn);
            List<Path> deleted = Janitor.clean(fs, client, ApplicationDirs.applicationRoots(settings, fs),
                    settings);
            deleted.forEach(p -> System.out.println("deleted " + p));
            System.out.println(deleted.size() + " directories deleted");
            return 0;
        } finally {
            client.stop();
        }
    }
}
