/*
 * JNI shim behind dev.venice.runtime.server.SharedBlockCache: changes the capacity of a RocksJava
 * block cache at run time, which RocksJava 11.8.1 itself cannot do (org.rocksdb.Cache has no
 * setCapacity).
 *
 * How: RocksDB's public C API (include/rocksdb/c.h, implemented in db/c.cc) has
 * rocksdb_cache_set_capacity / rocksdb_cache_get_capacity / rocksdb_cache_get_usage, and the
 * librocksdbjni shared object that RocksJava loads exports them. They take a rocksdb_cache_t*,
 * which db/c.cc defines as a struct whose only member is a std::shared_ptr<Cache>. RocksJava's
 * LRUCache native handle (java/rocksjni/lru_cache.cc: newLRUCache returns a heap-allocated
 * std::shared_ptr<Cache>; java/rocksjni/cache.cc reads it back the same way) is a pointer to
 * exactly such a shared_ptr, so the Java handle can be passed where a rocksdb_cache_t* is
 * expected. SharedBlockCache's Javadoc says how this was checked against the 11.8.1 binary.
 *
 * The JVM opens JNI libraries with RTLD_LOCAL, so the C API symbols are not in the global
 * namespace and dlsym(RTLD_DEFAULT, ...) may not find them (and could find another, unrelated
 * librocksdb if one were loaded globally). Instead the shim walks the loaded objects with
 * dl_iterate_phdr, takes the one whose path contains "librocksdbjni" (RocksJava extracts it to a
 * temporary file with that prefix, or loads it by that name from java.library.path), reopens it
 * with RTLD_NOLOAD (which only returns a handle to an object that is already loaded) and looks
 * the functions up in it.
 *
 * Every failure is thrown to Java (IllegalStateException, IllegalArgumentException or
 * UnsupportedOperationException with a message naming what failed); nothing here aborts.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The C API's cache type is opaque here: only ever a pointer handed back to RocksDB. */
typedef struct rocksdb_cache_t rocksdb_cache_t;

typedef void (*set_capacity_fn)(rocksdb_cache_t *, size_t);
typedef size_t (*get_size_fn)(rocksdb_cache_t *);

/* What the one-time lookup found; written once under pthread_once, read-only afterwards. */
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static set_capacity_fn set_capacity;
static get_size_fn get_capacity;
static get_size_fn get_usage;
/* Empty when the lookup succeeded; otherwise why it failed (reported on every call). */
static char resolve_error[8192];

/* dl_iterate_phdr's state: the first librocksdbjni path, and how many distinct ones there were. */
struct rocksdbjni_search {
  char path[4096];
  int matches;
};

static int find_rocksdbjni(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct rocksdbjni_search *search = data;
  const char *name = info->dlpi_name;
  if (name == NULL || name[0] == '\0') {
    return 0; /* the executable itself */
  }
  const char *base = strrchr(name, '/');
  base = base == NULL ? name : base + 1;
  if (strstr(base, "librocksdbjni") == NULL) {
    return 0;
  }
  if (search->matches == 0) {
    snprintf(search->path, sizeof search->path, "%s", name);
    search->matches = 1;
  } else if (strcmp(search->path, name) != 0) {
    search->matches++;
  }
  return 0; /* keep going: a second copy must be noticed, not silently ignored */
}

static void resolve(void) {
  struct rocksdbjni_search search;
  memset(&search, 0, sizeof search);
  dl_iterate_phdr(find_rocksdbjni, &search);
  if (search.matches == 0) {
    snprintf(resolve_error, sizeof resolve_error,
             "no librocksdbjni library is loaded in this process "
             "(call RocksDB.loadLibrary() first)");
    return;
  }
  if (search.matches > 1) {
    /* Two RocksJava copies (e.g. two class loaders): the cache's owner cannot be told apart, and
       calling one copy's functions on the other's objects is only safe if they are the same
       build, which nothing here can check. */
    snprintf(resolve_error, sizeof resolve_error,
             "%d different librocksdbjni libraries are loaded (first: %s); cannot tell which one "
             "owns the block cache",
             search.matches, search.path);
    return;
  }
  /* RTLD_NOLOAD: never load a second copy, only get a handle to the one the JVM mapped. The
     handle is kept (never dlclose'd) so the function pointers stay valid for the process. */
  void *lib = dlopen(search.path, RTLD_NOW | RTLD_NOLOAD);
  if (lib == NULL) {
    const char *why = dlerror();
    snprintf(resolve_error, sizeof resolve_error, "dlopen(%s, RTLD_NOLOAD) failed: %s",
             search.path, why == NULL ? "unknown error" : why);
    return;
  }
  static const char *const names[] = {"rocksdb_cache_set_capacity", "rocksdb_cache_get_capacity",
                                      "rocksdb_cache_get_usage"};
  void *found[3];
  for (int i = 0; i < 3; i++) {
    dlerror(); /* clear, so a NULL result can be told from an error */
    found[i] = dlsym(lib, names[i]);
    if (found[i] == NULL) {
      const char *why = dlerror();
      snprintf(resolve_error, sizeof resolve_error, "%s does not export %s: %s", search.path,
               names[i], why == NULL ? "symbol is NULL" : why);
      return;
    }
  }
  /* dlsym returns data pointers; POSIX guarantees they convert to function pointers. */
  *(void **)&set_capacity = found[0];
  *(void **)&get_capacity = found[1];
  *(void **)&get_usage = found[2];
}

static void throw_new(JNIEnv *env, const char *class_name, const char *message) {
  jclass cls = (*env)->FindClass(env, class_name);
  if (cls != NULL) { /* if NULL, FindClass already left an exception pending */
    (*env)->ThrowNew(env, cls, message);
  }
}

/* Resolves once; on failure throws UnsupportedOperationException and returns 0. */
static int ready(JNIEnv *env) {
  int rc = pthread_once(&resolve_once, resolve);
  if (rc != 0) {
    char message[128];
    snprintf(message, sizeof message, "pthread_once failed with error %d", rc);
    throw_new(env, "java/lang/IllegalStateException", message);
    return 0;
  }
  if (resolve_error[0] != '\0') {
    char message[sizeof resolve_error + 64];
    snprintf(message, sizeof message, "RocksDB block cache resize unavailable: %s", resolve_error);
    throw_new(env, "java/lang/UnsupportedOperationException", message);
    return 0;
  }
  return 1;
}

/*
 * Checks a RocksJava cache handle before it is passed on as a rocksdb_cache_t*: not null, and the
 * shared_ptr it points to not empty (its first word is the stored Cache*, which is what
 * rocksdb_cache_* dereference first). Throws IllegalStateException and returns NULL otherwise.
 */
static rocksdb_cache_t *cache_of(JNIEnv *env, jlong handle) {
  if (handle == 0) {
    throw_new(env, "java/lang/IllegalStateException", "block cache handle is 0 (cache closed?)");
    return NULL;
  }
  void *const *shared_ptr_words = (void *const *)(intptr_t)handle;
  if (shared_ptr_words[0] == NULL) {
    throw_new(env, "java/lang/IllegalStateException",
              "block cache handle points to an empty std::shared_ptr<Cache>");
    return NULL;
  }
  return (rocksdb_cache_t *)(intptr_t)handle;
}

/* SharedBlockCache.probe0(): resolves the C API now, so the Java side knows up front. */
JNIEXPORT void JNICALL Java_dev_venice_runtime_server_SharedBlockCache_probe0(JNIEnv *env,
                                                                             jclass cls) {
  (void)cls;
  ready(env);
}

/* SharedBlockCache.setCapacity0(handle, bytes): RocksDB's Cache::SetCapacity(bytes). */
JNIEXPORT void JNICALL Java_dev_venice_runtime_server_SharedBlockCache_setCapacity0(
    JNIEnv *env, jclass cls, jlong handle, jlong bytes) {
  (void)cls;
  if (bytes <= 0) {
    char message[96];
    snprintf(message, sizeof message, "capacity must be > 0 bytes, was %lld", (long long)bytes);
    throw_new(env, "java/lang/IllegalArgumentException", message);
    return;
  }
  if (!ready(env)) {
    return;
  }
  rocksdb_cache_t *cache = cache_of(env, handle);
  if (cache != NULL) {
    set_capacity(cache, (size_t)bytes);
  }
}

/* size_t to jlong, saturating (a capacity above Long.MAX_VALUE is not representable in Java). */
static jlong to_jlong(size_t value) {
  return value > (size_t)INT64_MAX ? (jlong)INT64_MAX : (jlong)value;
}

/* SharedBlockCache.capacity0(handle): RocksDB's Cache::GetCapacity(). */
JNIEXPORT jlong JNICALL Java_dev_venice_runtime_server_SharedBlockCache_capacity0(JNIEnv *env,
                                                                                jclass cls,
                                                                                jlong handle) {
  (void)cls;
  if (!ready(env)) {
    return -1;
  }
  rocksdb_cache_t *cache = cache_of(env, handle);
  return cache == NULL ? -1 : to_jlong(get_capacity(cache));
}

/* SharedBlockCache.usage0(handle): RocksDB's Cache::GetUsage() through the C API. */
JNIEXPORT jlong JNICALL Java_dev_venice_runtime_server_SharedBlockCache_usage0(JNIEnv *env,
                                                                             jclass cls,
                                                                             jlong handle) {
  (void)cls;
  if (!ready(env)) {
    return -1;
  }
  rocksdb_cache_t *cache = cache_of(env, handle);
  return cache == NULL ? -1 : to_jlong(get_usage(cache));
}
