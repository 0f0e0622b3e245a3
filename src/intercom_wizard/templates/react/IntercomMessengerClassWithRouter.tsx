/*
 * Starts the Intercom Messenger once the app has mounted and tells it about client-side
 * navigation; added by intercom-wizard. React before 16.8 has no hooks and React Router
 * before 5.1 no useLocation(), so this is a class component that withRouter() hands the
 * location to. Render <IntercomMessenger /> once, inside the router. It renders nothing.
 */
import { Component } from 'react';
import { withRouter } from '__IW_ROUTER_PACKAGE__';
import type { RouteComponentProps } from '__IW_ROUTER_PACKAGE__';
import { intercomPageChanged, startIntercomMessenger } from '__IW_CORE_IMPORT__';

class IntercomMessengerOnRoutes extends Component<RouteComponentProps> {
  componentDidMount(): void {
    startIntercomMessenger();
  }

  componentDidUpdate(previous: RouteComponentProps): void {
    if (previous.location !== this.props.location) {
      intercomPageChanged();
    }
  }

  render(): null {
    return null;
  }
}

export const IntercomMessenger = withRouter(IntercomMessengerOnRoutes);
