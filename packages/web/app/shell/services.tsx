import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { CallController } from '../calls/call-controller.ts';
import { CallLogController } from '../calls/call-log-controller.ts';
import { ChatController } from '../chat/chat-controller.ts';
import { Connection } from '../connection/connection.ts';
import { EmergencyController } from '../emergencies/emergency-controller.ts';
import { LocationController } from '../map/location-controller.ts';
import { NotificationController } from '../notifications/notification-controller.ts';
import { PresenceController } from '../presence/presence-controller.ts';
import type { Session } from '../session/session.ts';

export interface Services {
  session: Session;
  connection: Connection;
  chat: ChatController;
  presence: PresenceController;
  location: LocationController;
  calls: CallController;
  callLog: CallLogController;
  notifications: NotificationController;
  emergencies: EmergencyController;
}

const ServicesContext = createContext<Services | null>(null);

function start(session: Session): Services {
  const connection = new Connection(session);
  const chat = new ChatController(connection);
  const calls = new CallController(connection, chat);
  return {
    session,
    connection,
    chat,
    presence: new PresenceController(connection, chat),
    location: new LocationController(connection),
    calls,
    callLog: new CallLogController(connection, calls),
    notifications: new NotificationController(connection),
    emergencies: new EmergencyController(connection),
  };
}

/** One connection and its controllers per signed-in session, closed when the session ends. */
export function ServicesProvider({ session, children }: { session: Session; children: ReactNode }) {
  const [services, setServices] = useState<Services | null>(null);
  useEffect(() => {
    const started = start(session);
    setServices(started);
    const onVisible = () => started.chat.markActiveRead();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      started.callLog.close();
      started.calls.close();
      started.notifications.close();
      started.emergencies.close();
      started.location.close();
      started.presence.close();
      started.chat.close();
      started.connection.close();
    };
  }, [session]);
  if (!services) return null;
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}
