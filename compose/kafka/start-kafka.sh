#!/bin/sh
set -e
JAVA=java
if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; fi
CP='/opt/kafka/libs/*'
if ls /opt/kafka/libs/log4j-core-*.jar >/dev/null 2>&1; then
  LOGGING="-Dlog4j2.configurationFile=/losslab/log4j2.properties"
else
  LOGGING="-Dlog4j.configuration=file:/losslab/log4j.properties"
fi
"$JAVA" $LOGGING -cp "$CP" kafka.tools.StorageTool format -t "$LOSSLAB_CLUSTER_ID" -c /losslab/server.properties --ignore-formatted
exec "$JAVA" -Xms256m -Xmx"$LOSSLAB_HEAP_MB"m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true $LOGGING -cp "$CP" kafka.Kafka /losslab/server.properties
