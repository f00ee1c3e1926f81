package io.rampart.prober.probe;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.spi.tls.DefaultSslContextFactory;
import io.vertx.core.spi.tls.SslContextFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The probes' TLS engine: OpenSSL (BoringSSL, netty-tcnative) where its native library loads,
 * else the JDK's. The JDK's TLS 1.3 client computes two key shares for every ClientHello
 * (X25519 and P-256) in Java, about 5 ms of CPU per https probe in the benchmark's profile, where a
 * whole http probe costs about 0.3 ms; BoringSSL offers one and computes it natively.
 * <p>
 * Either engine with the time each connection's TCP connect completed: Vert.x hands a
 * probe its connection only once the handshake is over, so without this the connect and the TLS
 * handshake could not be told apart. The SSL handler is in the channel's pipeline before the
 * connect (Vert.x adds it when the channel is initialised), so its {@code channelActive} is the
 * moment the TCP connection was established and the handshake starts.
 */
final class TimedTls extends SSLEngineOptions {

    /** The engine the probes use: OpenSSL where it is available, else the JDK's. */
    private static SslProvider provider() {
        return OpenSSLEngineOptions.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** The engine's name, as the replica's start line gives it. */
    static String engineName() {
        return provider() == SslProvider.OPENSSL ? "OpenSSL" : "JDK";
    }

    /** When the TCP connection of this probe's TLS connection was established (System.nanoTime), or null. */
    static Long connectedNanos(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            SslHandler handler = base.channel().pipeline().get(SslHandler.class);
            if (handler instanceof TimedSslHandler timed && timed.connectedNanos != 0) {
                return timed.connectedNanos;
            }
        }
        return null;
    }

    @Override
    public SslContextFactory sslContextFactory() {
        return new Factory(new DefaultSslContextFactory(provider(), false));
    }

    @Override
    public SSLEngineOptions copy() {
        // Vert.x copies the options of every client it creates: the copy must still time connects.
        return new TimedTls();
    }

    /** Vert.x's own factory, its contexts wrapped. */
    private record Factory(SslContextFactory delegate) implements SslContextFactory {

        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
            delegate.useAlpn(useAlpn);
            return this;
        }

        @Override
        public SslContextFactory clientAuth(ClientAuth clientAuth) {
            delegate.clientAuth(clientAuth);
            return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
            delegate.forClient(forClient);
            return this;
        }

        @Override
        public SslContextFactory keyMananagerFactory(KeyManagerFactory factory) {
            delegate.keyMananagerFactory(factory);
            return this;
        }

        @Override
        public SslContextFactory trustManagerFactory(TrustManagerFactory factory) {
            delegate.trustManagerFactory(factory);
            return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(Set<String> cipherSuites) {
            delegate.enabledCipherSuites(cipherSuites);
            return this;
        }

        @Override
        public SslContextFactory applicationProtocols(List<String> protocols) {
            delegate.applicationProtocols(protocols);
            return this;
        }

        @Override
        public SslContextFactory serverName(String serverName) {
            delegate.serverName(serverName);
            return this;
        }

        @Override
        public SslContext create() throws SSLException {
            return new TimedSslContext(delegate.create());
        }
    }

    /** Makes the handlers Vert.x asks for (with a peer host and port, as for every client connection) timed ones. */
    private static final class TimedSslContext extends DelegatingSslContext {

        TimedSslContext(SslContext context) {
            super(context);
        }

        @Override
        protected void initEngine(SSLEngine engine) {
        }

        @Override
        protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls,
                Executor executor) {
            return new TimedSslHandler(newEngine(alloc, peerHost, peerPort), startTls, executor);
        }
    }

    private static final class TimedSslHandler extends SslHandler {
        /** Written on the connection's event loop, read on the probe's (not necessarily the same). */
        private volatile long connectedNanos;

        TimedSslHandler(SSLEngine engine, boolean startTls, Executor executor) {
            super(engine, startTls, executor);
        }

        @Override
        public void channelActive(ChannelHandlerContext context) throws Exception {
            connectedNanos = System.nanoTime();
            super.channelActive(context);
        }
    }
}
