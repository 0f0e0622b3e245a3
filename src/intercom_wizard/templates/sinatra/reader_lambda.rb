  read = lambda do |*names|
    names.map { |n| user.is_a?(Hash) ? (user[n] || user[n.to_s]) : (user.respond_to?(n) ? user.public_send(n) : nil) }
         .find { |value| !value.to_s.empty? }
  end
