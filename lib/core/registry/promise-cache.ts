/**
 * The cached promise of `key`, loading it when absent. Concurrent callers share one load; a load
 * that rejects is dropped from the cache, so the next caller tries again.
 */
export function cachedPromise<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  const cached = cache.get(key);
  if (cached) return cached;
  const loading = load();
  cache.set(key, loading);
  loading.catch(() => {
    if (cache.get(key) === loading) cache.delete(key);
  });
  return loading;
}
