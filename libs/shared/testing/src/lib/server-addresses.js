// Where the tests find the local servers: the same defaults as deploy/local/local.env,
// overridable by the same variables. Plain JS so Jest's global setup can load it untransformed.
function env(name, fallback) {
  return process.env[name] || fallback;
}

function kafkaBrokers() {
  return env('KAFKA_BROKERS', `127.0.0.1:${env('KAFKA_PORT', '19092')}`).split(',');
}

function mongoUrl(database = 'salon_test') {
  const base = env('MONGO_URL', `mongodb://127.0.0.1:${env('MONGO_PORT', '27018')}/salon?directConnection=true`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

function minio() {
  const endpoint = new URL(env('MINIO_ENDPOINT', `http://127.0.0.1:${env('MINIO_PORT', '19000')}`));
  return {
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: endpoint.protocol === 'https:',
    accessKey: env('MINIO_ACCESS_KEY', 'minioadmin'),
    secretKey: env('MINIO_SECRET_KEY', 'minioadmin'),
  };
}

function serverAddresses() {
  const [kafkaHost, kafkaPort] = kafkaBrokers()[0].split(':');
  const mongo = new URL(mongoUrl());
  const m = minio();
  return [
    { name: 'Kafka', host: kafkaHost, port: Number(kafkaPort) },
    { name: 'MongoDB-compatible server', host: mongo.hostname, port: Number(mongo.port) },
    { name: 'MinIO', host: m.endPoint, port: m.port },
  ];
}

module.exports = { kafkaBrokers, mongoUrl, minio, serverAddresses };
