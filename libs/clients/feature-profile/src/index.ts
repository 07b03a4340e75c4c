export * from './lib/clients-feature.module';
export * from './lib/profile-view';
export * from './lib/publishing/client-integration-events';
export { ClientCommands } from './lib/write/client-commands.service';
export * from './lib/visit-statistics';
export { PhoneReservations } from './lib/write/phone-reservations';
