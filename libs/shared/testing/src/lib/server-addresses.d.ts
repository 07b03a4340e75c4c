export function kafkaBrokers(): string[];
export function mongoUrl(database?: string): string;
export function minio(): { endPoint: string; port: number; useSSL: boolean; accessKey: string; secretKey: string };
export function serverAddresses(): { name: string; host: string; port: number }[];
