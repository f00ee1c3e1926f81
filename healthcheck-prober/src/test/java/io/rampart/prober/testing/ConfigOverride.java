package io.rampart.prober.testing;

import io.rampart.prober.config.ProberConfig;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;

/** The service's ProberConfig with a few settings changed, for an engine a test runs itself. */
public final class ConfigOverride {

    private ConfigOverride() {
    }

    /** @param overrides values by ProberConfig method name */
    public static ProberConfig of(ProberConfig base, Map<String, Object> overrides) {
        return (ProberConfig) Proxy.newProxyInstance(ProberConfig.class.getClassLoader(),
                new Class<?>[] {ProberConfig.class}, (proxy, method, args) -> {
                    if (overrides.containsKey(method.getName())) {
                        return overrides.get(method.getName());
                    }
                    try {
                        return method.invoke(base, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
