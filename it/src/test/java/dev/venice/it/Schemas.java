package dev.venice.it;

/** Avro schemas the tests use. */
public final class Schemas {
  public static final String KEY = "\"string\"";
  public static final String USER_V1 = """
      {"type":"record","name":"User","namespace":"dev.venice.it","fields":[
        {"name":"name","type":"string"},
        {"name":"age","type":"int","default":0}]}""";
  /** Adds a field with a default: fully compatible with V1. */
  public static final String USER_V2 = """
      {"type":"record","name":"User","namespace":"dev.venice.it","fields":[
        {"name":"name","type":"string"},
        {"name":"age","type":"int","default":0},
        {"name":"email","type":"string","default":""}]}""";
  /** Adds a field without a default: new readers cannot read V1 data. */
  public static final String USER_BAD = """
      {"type":"record","name":"User","namespace":"dev.venice.it","fields":[
        {"name":"name","type":"string"},
        {"name":"age","type":"int","default":0},
        {"name":"country","type":"string"}]}""";

  private Schemas() {}
}
