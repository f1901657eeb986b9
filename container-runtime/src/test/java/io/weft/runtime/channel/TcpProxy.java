package io.weft.runtime.channel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real TCP forwarder between a client and a server on this machine that records every byte it forwards and,
 * on request, alters the client's next chunk: the network attacker of the channel tests. Threads are daemons,
 * one per direction per connection; {@link #close} ends them all.
 */
final class TcpProxy implements AutoCloseable {

    /** What to do to the next chunk the client sends. */
    enum Tamper { NONE, FLIP_LAST_BIT, SEND_TWICE }

    private final ServerSocket listener;
    private final int targetPort;
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Tamper tamper = Tamper.NONE;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "test-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** @param next applied to the client's next chunk only */
    void tamperNext(Tamper next) {
        tamper = next;
    }

    /** @return every byte forwarded so far, both directions */
    byte[] wire() {
        synchronized (wire) {
            return wire.toByteArray();
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client.getInputStream(), server.getOutputStream(), true);
                pump(server.getInputStream(), client.getOutputStream(), false);
            }
        } catch (IOException closed) {
            // the proxy is closing
        }
    }

    private void pump(InputStream in, OutputStream out, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (wire) {
                        wire.write(buffer, 0, n);
                    }
                    Tamper now = fromClient ? tamper : Tamper.NONE;
                    if (now != Tamper.NONE) {
                        tamper = Tamper.NONE;
                    }
                    if (now == Tamper.FLIP_LAST_BIT) {
                        buffer[n - 1] ^= 1;
                    }
                    out.write(buffer, 0, n);
                    if (now == Tamper.SEND_TWICE) {
                        out.write(buffer, 0, n);
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "test-proxy-" + (fromClient ? "up" : "down"));
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
