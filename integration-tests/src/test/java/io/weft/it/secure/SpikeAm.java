package io.weft.it.secure;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.AMRMClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The smallest ApplicationMaster for the secure YARN spike: registers with the ResourceManager using the AMRM token
 * YARN put in its credentials, writes {@code args[0]} on HDFS with the delegation token the client put there (no
 * Kerberos ticket in the container), and unregisters SUCCEEDED. Prints what it has to stdout, for the container log.
 */
public final class SpikeAm {

    private SpikeAm() {
    }

    public static void main(String[] args) throws Exception {
        YarnConfiguration conf = new YarnConfiguration();
        UserGroupInformation.setConfiguration(conf);
        UserGroupInformation me = UserGroupInformation.getCurrentUser();
        System.out.println("security " + UserGroupInformation.isSecurityEnabled() + ", user " + me
                + ", kerberos credentials " + me.hasKerberosCredentials());
        for (Token<?> token : me.getTokens()) {
            System.out.println("token " + token.getKind() + " for " + token.getService());
        }
        AMRMClient<AMRMClient.ContainerRequest> rm = AMRMClient.createAMRMClient();
        rm.init(conf);
        rm.start();
        rm.registerApplicationMaster("", 0, "");
        try (FileSystem fs = FileSystem.get(conf); OutputStream out = fs.create(new Path(args[0]))) {
            out.write(("written by the AM as " + me.getShortUserName()).getBytes(StandardCharsets.UTF_8));
        }
        rm.unregisterApplicationMaster(FinalApplicationStatus.SUCCEEDED, "done", null);
        rm.stop();
    }
}
